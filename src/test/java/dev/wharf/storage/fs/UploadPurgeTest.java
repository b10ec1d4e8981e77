package dev.wharf.storage.fs;

import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.UploadSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UploadPurgeTest {
    @TempDir
    Path root;
    private final ExecutorService io = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        io.shutdown();
    }

    @Test
    void anUploadUntouchedPastItsExpiryIsPurgedAndARecentOneStays() throws IOException {
        StorageLayout layout = new StorageLayout(root);
        Durability durability = new Durability(false, layout.tmpDir());
        FileUploadStore uploads = new FileUploadStore(layout, durability, new FileBlobStore(layout, durability), io, WriteChannels.DIRECT);
        RepositoryName repo = RepositoryName.parse("ci/app");
        UploadSession abandoned = uploads.create(repo);
        UploadSession active = uploads.create(repo);
        Files.write(uploads.dataPath(abandoned.id()), new byte[100]);
        Files.setLastModifiedTime(uploads.dataPath(abandoned.id()), FileTime.from(Instant.now().minus(Duration.ofHours(25))));

        int purged = uploads.purgeAbandoned(Duration.ofHours(24));

        assertEquals(1, purged);
        assertFalse(Files.exists(layout.uploadDir(abandoned.id())));
        assertTrue(Files.exists(uploads.dataPath(active.id())));
    }
}
