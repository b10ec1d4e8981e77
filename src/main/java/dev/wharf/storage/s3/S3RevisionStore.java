package dev.wharf.storage.s3;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.RevisionStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which manifests each repository holds: one object per revision, holding its media type. A revision never
 * changes, only goes, so a replica may keep what it read for the TTL: a delete on another replica shows here
 * within that time.
 */
final class S3RevisionStore implements RevisionStore {
    private final S3Bucket bucket;
    private final Cache<String, String> mediaTypes;

    S3RevisionStore(S3Bucket bucket, Duration ttl) {
        this.bucket = bucket;
        this.mediaTypes = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(200_000).build();
    }

    @Override
    public void add(RepositoryName repository, Digest digest, String mediaType) throws IOException {
        String key = S3Layout.revision(repository, digest);
        // always written: the cache may still hold a record another replica has removed since
        bucket.put(key, mediaType.getBytes(StandardCharsets.UTF_8), S3Bucket.Condition.NONE);
        mediaTypes.put(key, mediaType);
    }

    @Override
    public String mediaType(RepositoryName repository, Digest digest) throws IOException {
        String key = S3Layout.revision(repository, digest);
        String known = mediaTypes.getIfPresent(key);
        if (known != null) {
            return known;
        }
        Optional<S3Bucket.Fetched> stored = bucket.get(key);
        if (stored.isEmpty()) {
            return null;
        }
        String mediaType = new String(stored.get().content(), StandardCharsets.UTF_8);
        mediaTypes.put(key, mediaType);
        return mediaType;
    }

    @Override
    public String mediaTypeFromMemory(RepositoryName repository, Digest digest) {
        return mediaTypes.getIfPresent(S3Layout.revision(repository, digest));
    }

    @Override
    public void remove(RepositoryName repository, Digest digest) throws IOException {
        String key = S3Layout.revision(repository, digest);
        mediaTypes.invalidate(key);
        bucket.delete(key);
    }

    @Override
    public Map<Digest, String> all(RepositoryName repository) throws IOException {
        String prefix = S3Layout.revisions(repository);
        Map<Digest, String> all = new LinkedHashMap<>();
        for (S3Bucket.Entry e : bucket.list(prefix)) {
            Digest d = S3Layout.digestOf(e.key(), prefix);
            if (d != null) {
                String mediaType = mediaType(repository, d);
                if (mediaType != null) {
                    all.put(d, mediaType);
                }
            }
        }
        return all;
    }
}
