package dev.wharf.storage.fs;

import dev.wharf.storage.UploadAppender;
import dev.wharf.storage.UploadSession;
import dev.wharf.storage.UploadStateException;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FileUploadStoreTest {
    private static final RepositoryName REPO = RepositoryName.parse("team/store");

    @TempDir
    Path root;
    private ExecutorService io;
    private StorageLayout layout;
    private FileUploadStore uploads;

    @BeforeEach
    void open() {
        io = Executors.newSingleThreadExecutor();
        layout = new StorageLayout(root);
        uploads = openStore();
    }

    private FileUploadStore openStore() {
        Durability durability = new Durability(false, layout.tmpDir());
        return new FileUploadStore(layout, durability, new FileBlobStore(layout, durability), io, WriteChannels.DIRECT);
    }

    @AfterEach
    void close() {
        io.shutdownNow();
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) seed);
        return b;
    }

    private void write(UploadSession session, long offset, byte[] chunk) throws Exception {
        UploadAppender appender = uploads.appender(session, offset);
        appender.append(ByteBuffer.wrap(chunk));
        appender.finish().get(10, TimeUnit.SECONDS);
    }

    @Test
    void chunksAppendAndTheDigestCoversThemAll() throws Exception {
        UploadSession session = uploads.create(REPO);
        write(session, 0, bytes(100, 1));
        write(session, -1, bytes(50, 2));
        assertEquals(150, uploads.size(session));
        byte[] all = new byte[150];
        System.arraycopy(bytes(100, 1), 0, all, 0, 100);
        System.arraycopy(bytes(50, 2), 0, all, 100, 50);
        assertEquals(Digest.sha256(all), uploads.digest(session, Digest.Algorithm.SHA256));
    }

    @Test
    void abortedWriteLeavesTheUploadAsItWas() throws Exception {
        UploadSession session = uploads.create(REPO);
        write(session, 0, bytes(100, 1));
        UploadAppender torn = uploads.appender(session, 100);
        torn.append(ByteBuffer.wrap(bytes(3 << 20, 3)));
        torn.abort().get(10, TimeUnit.SECONDS);
        assertEquals(100, uploads.size(session));
        assertEquals(Digest.sha256(bytes(100, 1)), uploads.digest(session, Digest.Algorithm.SHA256));
        write(session, 100, bytes(10, 4));
        assertEquals(110, uploads.size(session));
    }

    @Test
    void chunkAtTheWrongOffsetIsRangeInvalid() throws Exception {
        UploadSession session = uploads.create(REPO);
        write(session, 0, bytes(10, 1));
        UploadStateException e = assertThrows(UploadStateException.class, () -> uploads.appender(session, 5));
        assertEquals(UploadStateException.Kind.OFFSET, e.kind());
        write(session, 10, bytes(10, 1));
    }

    @Test
    void onlyOneWriteAtATime() throws Exception {
        UploadSession session = uploads.create(REPO);
        UploadAppender first = uploads.appender(session, 0);
        assertThrows(UploadStateException.class, () -> uploads.appender(session, 0));
        first.finish().get(10, TimeUnit.SECONDS);
        write(session, 0, bytes(1, 1));
    }

    @Test
    void aFreshStoreRebuildsTheHashFromTheFile() throws Exception {
        UploadSession session = uploads.create(REPO);
        write(session, 0, bytes(1000, 5));
        FileUploadStore afterRestart = openStore();
        UploadSession again = afterRestart.get(REPO, session.id());
        assertEquals(Digest.sha256(bytes(1000, 5)), afterRestart.digest(again, Digest.Algorithm.SHA256));
    }

    @Test
    void sessionsBelongToTheirRepository() throws Exception {
        UploadSession session = uploads.create(REPO);
        assertEquals(UploadStateException.Kind.UNKNOWN, assertThrows(UploadStateException.class,
                () -> uploads.get(RepositoryName.parse("team/other"), session.id())).kind());
        assertEquals(UploadStateException.Kind.UNKNOWN, assertThrows(UploadStateException.class,
                () -> uploads.get(REPO, "../../etc")).kind());
    }
}
