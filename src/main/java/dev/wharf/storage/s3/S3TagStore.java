package dev.wharf.storage.s3;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;
import dev.wharf.storage.Pages;
import dev.wharf.storage.TagStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Tags, one object each ({@code _tags/<tag>}: the digest; its time: the push). A tag moves with one PUT of that
 * object, so a reader anywhere sees the old digest or the new, never a mix; the last of concurrent writers wins.
 * Each replica keeps what it resolved, and each repository's listing, for the TTL.
 */
final class S3TagStore implements TagStore {
    private final S3Bucket bucket;
    private final Cache<String, Digest> resolved;
    private final Cache<RepositoryName, NavigableMap<String, Instant>> listings;

    S3TagStore(S3Bucket bucket, Duration ttl) {
        this.bucket = bucket;
        this.resolved = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(200_000).build();
        this.listings = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(10_000).build();
    }

    @Override
    public Digest resolve(RepositoryName repository, Tag tag) throws IOException {
        String key = S3Layout.tag(repository, tag);
        Digest known = resolved.getIfPresent(key);
        if (known != null) {
            return known;
        }
        Optional<S3Bucket.Fetched> stored = bucket.get(key);
        if (stored.isEmpty()) {
            return null;
        }
        Digest digest = Digest.parse(new String(stored.get().content(), StandardCharsets.UTF_8).trim());
        resolved.put(key, digest);
        return digest;
    }

    @Override
    public Digest resolveFromMemory(RepositoryName repository, Tag tag) {
        return resolved.getIfPresent(S3Layout.tag(repository, tag));
    }

    @Override
    public void tag(RepositoryName repository, Tag tag, Digest digest) throws IOException {
        String key = S3Layout.tag(repository, tag);
        bucket.put(key, digest.toString().getBytes(StandardCharsets.UTF_8), S3Bucket.Condition.NONE);
        resolved.put(key, digest);
        NavigableMap<String, Instant> listing = listings.getIfPresent(repository);
        if (listing != null) {
            listing.put(tag.value(), Instant.now());
        }
    }

    @Override
    public boolean untag(RepositoryName repository, Tag tag) throws IOException {
        String key = S3Layout.tag(repository, tag);
        resolved.invalidate(key);
        boolean existed = bucket.head(key).isPresent();
        bucket.delete(key);
        NavigableMap<String, Instant> listing = listings.getIfPresent(repository);
        if (listing != null) {
            listing.remove(tag.value());
        }
        return existed;
    }

    @Override
    public List<String> untagAll(RepositoryName repository, Digest digest) throws IOException {
        List<String> removed = new ArrayList<>();
        for (Map.Entry<String, Digest> e : all(repository).entrySet()) {
            if (e.getValue().equals(digest)) {
                untag(repository, new Tag(e.getKey()));
                removed.add(e.getKey());
            }
        }
        return removed;
    }

    @Override
    public List<String> list(RepositoryName repository, String last, int limit) throws IOException {
        return Pages.after(listing(repository).navigableKeySet(), last, limit);
    }

    @Override
    public Map<String, Digest> all(RepositoryName repository) throws IOException {
        Map<String, Digest> all = new LinkedHashMap<>();
        for (String tag : listing(repository).keySet()) {
            Digest d = resolve(repository, new Tag(tag));
            if (d != null) { // else untagged since the listing
                all.put(tag, d);
            }
        }
        return all;
    }

    @Override
    public Instant pushedAt(RepositoryName repository, Tag tag) throws IOException {
        return bucket.head(S3Layout.tag(repository, tag)).map(S3Bucket.Head::lastModified).orElse(null);
    }

    @Override
    public Tag newest(RepositoryName repository) throws IOException {
        Map.Entry<String, Instant> newest = null;
        for (Map.Entry<String, Instant> e : listing(repository).entrySet()) {
            if (newest == null || e.getValue().isAfter(newest.getValue())) {
                newest = e;
            }
        }
        return newest == null ? null : new Tag(newest.getKey());
    }

    @Override
    public boolean isInMemory(RepositoryName repository) {
        return listings.getIfPresent(repository) != null;
    }

    /** The repository's tags with their push times, listed from the bucket when this replica's copy is older than the TTL. */
    private NavigableMap<String, Instant> listing(RepositoryName repository) throws IOException {
        NavigableMap<String, Instant> known = listings.getIfPresent(repository);
        if (known != null) {
            return known;
        }
        String prefix = S3Layout.tags(repository);
        NavigableMap<String, Instant> tags = new ConcurrentSkipListMap<>();
        bucket.list(prefix, null, e -> tags.put(e.key().substring(prefix.length()), e.lastModified()));
        listings.put(repository, tags);
        return tags;
    }
}
