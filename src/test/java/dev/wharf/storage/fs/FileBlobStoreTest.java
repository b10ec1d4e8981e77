package dev.wharf.storage.fs;

import dev.wharf.oci.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileBlobStoreTest {
    @TempDir
    Path root;

    private FileBlobStore store() {
        StorageLayout layout = new StorageLayout(root);
        return new FileBlobStore(layout, new Durability(false, layout.tmpDir()));
    }

    @Test
    void committingKnownContentAgainDropsTheNewFile() throws Exception {
        FileBlobStore blobs = store();
        byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256(content);
        Path first = Files.write(root.resolve("first"), content);
        Path second = Files.write(root.resolve("second"), content);
        assertTrue(blobs.commit(first, digest));
        assertFalse(blobs.commit(second, digest));
        assertFalse(Files.exists(second));
        assertArrayEquals(content, blobs.read(digest));
        assertEquals(List.of(digest), blobs.list());
    }

    @Test
    void putStoresSmallContentOnceAndDeleteRemovesIt() throws Exception {
        FileBlobStore blobs = store();
        byte[] content = "{}".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256(content);
        assertTrue(blobs.put(digest, content));
        assertFalse(blobs.put(digest, content));
        assertEquals(2, blobs.size(digest).getAsLong());
        assertTrue(blobs.delete(digest));
        assertFalse(blobs.exists(digest));
        assertTrue(blobs.size(digest).isEmpty());
    }
}
