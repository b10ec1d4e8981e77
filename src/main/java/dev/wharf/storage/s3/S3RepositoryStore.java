package dev.wharf.storage.s3;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.Pages;
import dev.wharf.storage.RepositoryStore;
import dev.wharf.storage.StorageException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Repositories (a {@code catalog/<name>} marker each) and their blob links, in the bucket. The catalog is listed
 * from the bucket at most once per {@code cacheTtl} per replica, never per request; a repository this replica
 * creates is in its own listing at once, one another replica creates within the TTL.
 */
final class S3RepositoryStore implements RepositoryStore {
    private record Catalog(NavigableSet<String> names, long loadedAt) {
    }

    private final S3Bucket bucket;
    private final long ttlNanos;
    private final Cache<String, Boolean> links;
    private final Object loading = new Object();
    private volatile Catalog catalog;

    S3RepositoryStore(S3Bucket bucket, Duration ttl) {
        this.bucket = bucket;
        this.ttlNanos = ttl.toNanos();
        this.links = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(200_000).build();
    }

    @Override
    public boolean holdsBlob(RepositoryName repository, Digest digest) throws IOException {
        String key = S3Layout.link(repository, digest);
        if (links.getIfPresent(key) != null) {
            return true;
        }
        boolean held = bucket.head(key).isPresent();
        if (held) {
            links.put(key, Boolean.TRUE);
        }
        return held;
    }

    @Override
    public void linkBlob(RepositoryName repository, Digest digest) throws IOException {
        String key = S3Layout.link(repository, digest);
        // always written: the cache may still hold a link another replica has removed since
        bucket.put(key, new byte[0], S3Bucket.Condition.NONE);
        links.put(key, Boolean.TRUE);
        remember(repository);
    }

    @Override
    public boolean unlinkBlob(RepositoryName repository, Digest digest) throws IOException {
        String key = S3Layout.link(repository, digest);
        links.invalidate(key);
        if (bucket.head(key).isEmpty()) {
            return false;
        }
        bucket.delete(key);
        return true;
    }

    @Override
    public List<Digest> linkedBlobs(RepositoryName repository) throws IOException {
        String prefix = S3Layout.links(repository);
        List<Digest> digests = new ArrayList<>();
        for (S3Bucket.Entry e : bucket.list(prefix)) {
            Digest d = S3Layout.digestOf(e.key(), prefix);
            if (d != null) {
                digests.add(d);
            }
        }
        return digests;
    }

    @Override
    public boolean exists(RepositoryName repository) {
        return names().contains(repository.value());
    }

    @Override
    public void remember(RepositoryName repository) throws IOException {
        // Catalog markers are never removed, so a name this replica has seen once needs no listing again;
        // an unknown one costs one idempotent PUT, not a walk of catalog/.
        Catalog c = catalog;
        if (c != null && c.names().contains(repository.value())) {
            return;
        }
        bucket.put(S3Layout.catalog(repository), new byte[0], S3Bucket.Condition.NONE);
        synchronized (loading) {
            if (catalog == null) {
                return; // the first listing will find the marker
            }
            NavigableSet<String> names = new TreeSet<>(catalog.names());
            names.add(repository.value());
            catalog = new Catalog(Collections.unmodifiableNavigableSet(names), catalog.loadedAt());
        }
    }

    @Override
    public List<String> list(String last, int limit) {
        return Pages.after(names(), last, limit);
    }

    @Override
    public boolean isScanned() {
        Catalog c = catalog;
        return c != null && System.nanoTime() - c.loadedAt() < ttlNanos;
    }

    /** A snapshot of every name, listed from the bucket if this replica's copy is older than the TTL. */
    @Override
    public NavigableSet<String> names() {
        try {
            return current().names();
        } catch (IOException e) {
            throw new StorageException("cannot list the repositories in " + bucket.describe() + ": " + e.getMessage(), e);
        }
    }

    private Catalog current() throws IOException {
        Catalog c = catalog;
        if (c != null && System.nanoTime() - c.loadedAt() < ttlNanos) {
            return c;
        }
        synchronized (loading) {
            c = catalog;
            if (c != null && System.nanoTime() - c.loadedAt() < ttlNanos) {
                return c;
            }
            long started = System.nanoTime();
            NavigableSet<String> names = new TreeSet<>();
            bucket.list(S3Layout.CATALOG, null, e -> names.add(e.key().substring(S3Layout.CATALOG.length())));
            catalog = new Catalog(Collections.unmodifiableNavigableSet(names), started);
            return catalog;
        }
    }
}
