package dev.wharf.storage.s3;

import dev.wharf.storage.StorageException;
import dev.wharf.storage.UploadAppender;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The half of an S3 write that every request body shares: the event loop hands over buffers, which are hashed and
 * spooled to a local file in order on an I/O thread, with the request paused while more than a couple of MiB wait.
 * Each time the spool holds a whole part, {@link #partFull} sends it on (and starts a new spool). What the
 * subclass does with parts and with the rest at the end is its own: an upload session's appender, or a whole
 * blob's write.
 */
abstract class SpooledBody implements UploadAppender {
    private static final long HIGH_WATER = 2L << 20;
    private static final long LOW_WATER = 512L << 10;

    protected final MessageDigest hasher;
    protected final Path spoolDir;
    protected final long partSize;
    protected final Executor io;
    private final String spoolName;
    private final AtomicLong pending = new AtomicLong();
    private CompletableFuture<Void> queued = CompletableFuture.completedFuture(null);
    private volatile Runnable drainHandler;
    private volatile boolean failed;
    /** The spool being filled, and how much of a part it holds. */
    protected Path spool;
    protected FileChannel channel;
    protected long spoolSize;
    protected boolean closed;

    SpooledBody(MessageDigest hasher, Path spoolDir, long partSize, Executor io, String spoolName) {
        this.hasher = hasher;
        this.spoolDir = spoolDir;
        this.partSize = partSize;
        this.io = io;
        this.spoolName = spoolName;
    }

    /** How many bytes the spool being filled takes before {@link #partFull}: a part, unless the subclass says otherwise. */
    protected long spoolLimit() {
        return partSize;
    }

    /** Sends the full spool on and starts a new one with {@link #newSpool}; runs on the I/O thread, may block. */
    protected abstract void partFull() throws IOException;

    /** A new empty spool file, not yet open. */
    protected Path newSpoolFile() throws IOException {
        return Files.createTempFile(spoolDir, spoolName + "-", ".part");
    }

    /** Starts writing into {@code file}, which already holds {@code size} bytes (an upload's tail). */
    protected void openSpool(Path file, long size) throws IOException {
        spool = file;
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
        spoolSize = size;
        channel.position(size);
    }

    /** After a part went: the next bytes go to a new spool. */
    protected void newSpool() throws IOException {
        openSpool(newSpoolFile(), 0);
    }

    /** The last step of a write, on the I/O thread. */
    @FunctionalInterface
    protected interface LastStep<T> {
        T run() throws IOException;
    }

    /**
     * Closes the write (a second finish is a bug) and runs {@code last} on the I/O thread once everything queued is
     * written and hashed; its failure is a storage failure ({@code what} says of what).
     */
    protected final <T> CompletableFuture<T> closeThen(String what, LastStep<T> last) {
        if (closed) {
            throw new IllegalStateException("already closed");
        }
        closed = true;
        return queued.thenApplyAsync(v -> {
            try {
                return last.run();
            } catch (IOException e) {
                throw new StorageException(what + ": " + e.getMessage(), e);
            }
        }, io);
    }

    /** Everything queued, written and hashed: what {@link #finish} and {@link #abort} wait for first. */
    protected CompletableFuture<Void> queued() {
        return queued;
    }

    @Override
    public void drainHandler(Runnable handler) {
        this.drainHandler = handler;
    }

    /** No reader follows an S3 write as it arrives (the pull-through cache's fills need the filesystem driver). */
    @Override
    public void progressHandler(LongConsumer handler) {
    }

    @Override
    public boolean flush() {
        return true;
    }

    /** Copies the buffer's bytes (the caller may reuse it at once) and queues them. */
    @Override
    public boolean append(ByteBuffer buffer) {
        int n = buffer.remaining();
        if (n == 0 || failed) {
            return true;
        }
        ByteBuffer copy = ByteBuffer.allocate(n).put(buffer).flip();
        long waiting = pending.addAndGet(n);
        queued = queued.thenRunAsync(() -> write(copy), io);
        return waiting < HIGH_WATER;
    }

    private void write(ByteBuffer buffer) {
        int bytes = buffer.remaining();
        try {
            hasher.update(buffer.duplicate());
            while (buffer.hasRemaining()) {
                int slice = (int) Math.min(buffer.remaining(), spoolLimit() - spoolSize);
                ByteBuffer part = buffer.slice().limit(slice);
                while (part.hasRemaining()) {
                    channel.write(part);
                }
                buffer.position(buffer.position() + slice);
                spoolSize += slice;
                if (spoolSize == spoolLimit()) {
                    channel.close();
                    partFull();
                }
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            Runnable drain = drainHandler;
            if (drain != null) {
                drain.run();
            }
            // a lost claim (BUSY) stays what it is; a failed disk or bucket becomes a storage failure
            throw e instanceof RuntimeException r ? r : new StorageException("cannot write upload data: " + e.getMessage(), e);
        }
        long before = pending.getAndAdd(-bytes);
        Runnable drain = drainHandler;
        if (drain != null && before >= LOW_WATER && before - bytes < LOW_WATER) {
            drain.run();
        }
    }

    /** Closes and removes the spool being filled. */
    protected void dropSpool() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // the file goes next anyway
        }
        deleteQuietly(spool);
    }

    static void deleteQuietly(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a stray spool file is removed at the next start
        }
    }
}
