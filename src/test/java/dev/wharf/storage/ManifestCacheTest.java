package dev.wharf.storage;

import dev.wharf.config.ConfigLoader;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory copy of manifest bytes: bounded by the heap, and emptied of what is deleted. */
class ManifestCacheTest {
    private static final String MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";

    @TempDir
    Path root;

    private static StoredManifest manifest(int n) {
        byte[] content = ("{\"schemaVersion\":2,\"mediaType\":\"" + MEDIA_TYPE + "\",\"n\":" + n + "}")
                .getBytes(StandardCharsets.UTF_8);
        return new StoredManifest(Digest.sha256(content), content, MEDIA_TYPE);
    }

    @Test
    void aFullCacheHoldsNoMoreThanItsBoundAndKeepsTheNewest() {
        ManifestCache cache = new ManifestCache(1 << 20);
        Digest newest = null;
        for (int i = 0; i < 300; i++) {
            byte[] content = new byte[10_000];
            content[0] = (byte) i;
            content[1] = (byte) (i >> 8);
            newest = Digest.sha256(content);
            cache.put(newest, content);
        }
        long held = cache.heldBytes();
        assertTrue(held <= 1 << 20, "held " + held + " bytes with a bound of 1 MiB");
        assertTrue(held > 1 << 19, "the cache was filled close to its bound, not emptied: " + held);
        assertNotNull(cache.get(newest), "the newest entry stays");
    }

    @Test
    void theDefaultCacheNeverTakesMoreThanAnEighthOfTheHeap() {
        ManifestCache cache = new ManifestCache();
        long heapEighth = Runtime.getRuntime().maxMemory() / 8;
        // Offer half as much again as either bound allows, in manifest-sized pieces of 256 KiB.
        long offered = Math.min(64L << 20, heapEighth) * 3 / 2;
        for (int i = 0; i * (256L << 10) < offered; i++) {
            byte[] content = new byte[256 << 10];
            content[0] = (byte) i;
            content[1] = (byte) (i >> 8);
            cache.put(Digest.sha256(content), content);
        }
        long held = cache.heldBytes();
        assertTrue(held <= heapEighth, "held " + held + " bytes, more than an eighth of the heap (" + heapEighth + ")");
        assertTrue(held <= 64L << 20, "held " + held + " bytes, more than 64 MiB");
    }

    @Test
    void aDeletedManifestLeavesTheCacheAndAnotherRepositoryReadsItFromDisk() throws IOException {
        try (Storage storage = new Storage(ConfigLoader.defaultsOnly().withStorageRoot(root.toString()).storage())) {
            ManifestCache cache = new ManifestCache();
            ManifestStore manifests = new ManifestStore(storage.blobs(), storage.revisions(), storage.tags(),
                    storage.repositories(), cache);
            RepositoryName shop = RepositoryName.parse("shop/app");
            RepositoryName team = RepositoryName.parse("team/app");
            StoredManifest kept = manifest(1);
            StoredManifest deleted = manifest(2);
            manifests.put(shop, kept);
            manifests.put(shop, deleted);
            manifests.put(team, deleted);
            long both = cache.heldBytes();

            manifests.delete(shop, deleted.digest());

            assertEquals(both - deleted.content().length - ManifestCache.ENTRY_OVERHEAD, cache.heldBytes());
            StoredManifest fromDisk = manifests.get(team, deleted.digest());
            assertNotNull(fromDisk, "team/app still holds the manifest");
            assertEquals(new String(deleted.content(), StandardCharsets.UTF_8), new String(fromDisk.content(), StandardCharsets.UTF_8));
        }
    }
}
