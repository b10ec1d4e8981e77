package dev.wharf.storage.s3;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.ReferrerStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The referrers of each subject, one object per (subject, referrer) holding its descriptor; listings kept for the TTL. */
final class S3ReferrerStore implements ReferrerStore {
    private final S3Bucket bucket;
    private final Cache<String, List<byte[]>> lists;

    S3ReferrerStore(S3Bucket bucket, Duration ttl) {
        this.bucket = bucket;
        this.lists = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(20_000).build();
    }

    @Override
    public void add(RepositoryName repository, Digest subject, Digest referrer, byte[] descriptorJson) throws IOException {
        bucket.put(S3Layout.referrer(repository, subject, referrer), descriptorJson, S3Bucket.Condition.NONE);
        lists.invalidate(S3Layout.referrers(repository, subject));
    }

    @Override
    public void remove(RepositoryName repository, Digest subject, Digest referrer) throws IOException {
        bucket.delete(S3Layout.referrer(repository, subject, referrer));
        lists.invalidate(S3Layout.referrers(repository, subject));
    }

    /** In key order (the referrer's digest): stable, as the interface asks. */
    @Override
    public List<byte[]> list(RepositoryName repository, Digest subject) throws IOException {
        String prefix = S3Layout.referrers(repository, subject);
        List<byte[]> known = lists.getIfPresent(prefix);
        if (known != null) {
            return known;
        }
        List<byte[]> descriptors = new ArrayList<>();
        for (S3Bucket.Entry e : bucket.list(prefix)) {
            Optional<S3Bucket.Fetched> d = bucket.get(e.key());
            d.ifPresent(f -> descriptors.add(f.content()));
        }
        List<byte[]> result = List.copyOf(descriptors);
        lists.put(prefix, result);
        return result;
    }
}
