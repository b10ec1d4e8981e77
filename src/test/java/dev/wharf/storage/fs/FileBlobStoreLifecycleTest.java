package dev.wharf.storage.fs;

import dev.wharf.oci.Digest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The blob store's side of garbage collection safety: ages, touches, guarded deletes and quarantine. */
class FileBlobStoreLifecycleTest {
    private static final byte[] CONTENT = "layer".getBytes(StandardCharsets.UTF_8);
    private static final Digest DIGEST = Digest.sha256(CONTENT);

    @TempDir
    Path root;
    private StorageLayout layout;
    private FileBlobStore blobs;

    @BeforeEach
    void open() {
        layout = new StorageLayout(root);
        blobs = new FileBlobStore(layout, new Durability(false, layout.tmpDir()));
    }

    private void ageBlob(Duration age) throws IOException {
        Files.setLastModifiedTime(blobs.path(DIGEST), FileTime.from(Instant.now().minus(age)));
    }

    private static Instant anHourAgo() {
        return Instant.now().minus(Duration.ofHours(1));
    }

    @Test
    void anOldBlobIsDeletedButATouchedOneIsSpared() throws IOException {
        blobs.put(DIGEST, CONTENT);
        ageBlob(Duration.ofHours(2));
        assertTrue(blobs.touchIfPresent(DIGEST));
        assertFalse(blobs.deleteIfOlderThan(DIGEST, anHourAgo()), "a touch makes the blob young again");

        ageBlob(Duration.ofHours(2));
        assertTrue(blobs.deleteIfOlderThan(DIGEST, anHourAgo()));
        assertFalse(blobs.exists(DIGEST));
        assertFalse(blobs.touchIfPresent(DIGEST), "a push checking for the blob now learns it is gone");
    }

    @Test
    void committingAnOldUploadFileGivesTheBlobAFreshAge() throws IOException {
        Path upload = root.resolve("upload");
        Files.write(upload, CONTENT);
        Files.setLastModifiedTime(upload, FileTime.from(Instant.now().minus(Duration.ofDays(3))));

        assertTrue(blobs.commit(upload, DIGEST));

        assertFalse(blobs.deleteIfOlderThan(DIGEST, anHourAgo()));
    }

    @Test
    void pushingAStoredBlobAgainRefreshesItsAge() throws IOException {
        blobs.put(DIGEST, CONTENT);
        ageBlob(Duration.ofDays(3));
        Path upload = root.resolve("again");
        Files.write(upload, CONTENT);

        assertFalse(blobs.commit(upload, DIGEST));

        assertFalse(Files.exists(upload));
        assertFalse(blobs.deleteIfOlderThan(DIGEST, anHourAgo()));
    }

    @Test
    void quarantineTakesTheBlobOutOfTheStoreAndKeepsItsBytes() throws IOException {
        blobs.put(DIGEST, CONTENT);

        Path moved = Path.of(blobs.quarantine(DIGEST));

        assertFalse(blobs.exists(DIGEST));
        assertTrue(moved.startsWith(layout.quarantineDir()));
        assertEquals("layer", Files.readString(moved));
        assertNull(blobs.quarantine(DIGEST));
    }

    @Test
    void aGuardedActionRunsOnlyWhileTheBlobIsAbsent() throws IOException {
        int[] runs = {0};
        assertTrue(blobs.runIfAbsent(DIGEST, () -> runs[0]++));
        blobs.put(DIGEST, CONTENT);
        assertFalse(blobs.runIfAbsent(DIGEST, () -> runs[0]++));
        assertEquals(1, runs[0]);
    }
}
