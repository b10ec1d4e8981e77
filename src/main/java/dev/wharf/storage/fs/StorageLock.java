package dev.wharf.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock on {@code <root>/wharf.lock} that makes one process the owner of a storage root. The
 * server holds it while it runs, because its in-memory indexes of tags and manifests would go stale if
 * another process changed the files under it; offline commands that change the store take it too, so they
 * refuse to run beside a server. The operating system drops the lock when the process dies, so a crash
 * never leaves a stale lock behind. The file keeps a note of who holds it, for the refusal message.
 */
public final class StorageLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private StorageLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock for {@code purpose} (e.g. "serve", "gc"), or throws {@link StorageLockedException}
     * when another process, or another owner in this one, holds it.
     */
    public static StorageLock acquire(StorageLayout layout, String purpose) throws IOException {
        Files.createDirectories(layout.root());
        FileChannel channel = FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new StorageLockedException(layout.root(), holder(layout));
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((purpose + " pid " + ProcessHandle.current().pid() + "\n")
                .getBytes(StandardCharsets.UTF_8)), 0);
        return new StorageLock(channel, lock);
    }

    private static String holder(StorageLayout layout) {
        try {
            String note = Files.readString(layout.lockFile(), StandardCharsets.UTF_8).trim();
            return note.isEmpty() ? "another process" : note;
        } catch (IOException e) {
            return "another process";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
