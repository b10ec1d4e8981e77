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
    void theCacheNeverTakesMoreThanAnEighthOfTheHeap() {
        assertTrue(ManifestStore.CACHE_BYTES <= Runtime.getRuntime().maxMemory() / 8);
        assertTrue(ManifestStore.CACHE_BYTES <= 64L << 20);
    }

    @Test
    void aDeletedManifestLeavesTheCacheAndAnotherRepositoryReadsItFromDisk() throws IOException {
        try (Storage storage = new Storage(ConfigLoader.defaultsOnly().withStorageRoot(root.toString()).storage())) {
            ManifestStore manifests = storage.manifests();
            RepositoryName shop = RepositoryName.parse("shop/app");
            RepositoryName team = RepositoryName.parse("team/app");
            StoredManifest kept = manifest(1);
            StoredManifest deleted = manifest(2);
            manifests.put(shop, kept);
            manifests.put(shop, deleted);
            manifests.put(team, deleted);
            long both = manifests.cachedBytes();

            manifests.delete(shop, deleted.digest());

            assertEquals(both - deleted.content().length - ManifestStore.CACHE_ENTRY_OVERHEAD, manifests.cachedBytes());
            StoredManifest fromDisk = manifests.get(team, deleted.digest());
            assertNotNull(fromDisk, "team/app still holds the manifest");
            assertEquals(new String(deleted.content(), StandardCharsets.UTF_8), new String(fromDisk.content(), StandardCharsets.UTF_8));
        }
    }
}
