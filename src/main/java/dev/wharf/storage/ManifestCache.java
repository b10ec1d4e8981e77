package dev.wharf.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.wharf.oci.Digest;

/**
 * Manifest bytes kept in memory, so that a pull by tag touches no disk. Bounded by weight: 64 MiB, or an eighth
 * of the heap when that is smaller, so that a small heap (the README runs with 96 MiB) is not filled by it.
 * Manifests are a few KiB, so even an eighth of 96 MiB holds thousands.
 */
public final class ManifestCache {
    /** What an entry costs beyond its bytes (key, node, array header), roughly. */
    static final int ENTRY_OVERHEAD = 64;

    private final long maxBytes;
    private final Cache<Digest, byte[]> contents;

    public ManifestCache() {
        this(Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8));
    }

    ManifestCache(long maxBytes) {
        this.maxBytes = maxBytes;
        this.contents = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Digest d, byte[] b) -> b.length + ENTRY_OVERHEAD)
                .build();
    }

    public byte[] get(Digest digest) {
        return contents.getIfPresent(digest);
    }

    public void put(Digest digest, byte[] content) {
        contents.put(digest, content);
    }

    public void invalidate(Digest digest) {
        contents.invalidate(digest);
    }

    /** The bound, in bytes (entries plus their overhead). */
    long maxBytes() {
        return maxBytes;
    }

    /** Bytes held now, entries plus their overhead, after pending evictions have run. */
    long heldBytes() {
        contents.cleanUp();
        return contents.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }
}
