package dev.wharf.storage.s3;

import dev.wharf.storage.StorageException;
import dev.wharf.storage.UploadAppender;
import dev.wharf.storage.UploadStateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * One request body onto an S3 upload. Bytes are hashed and spooled to a local file; each time the spool holds a
 * whole part it goes to the multipart upload (two at most in flight, so memory and spool stay bounded), and the
 * rest starts a new spool. {@link #finish} stores what is short of a part as the upload's new tail object and then
 * the new state (size, parts, SHA-256 state) with a write conditional on the state this write began from: the
 * upload changes in one step or not at all, and a concurrent write on another replica cannot be silently merged.
 * A request that breaks off ({@link #abort}) leaves the state as it was; parts it sent are not in the state and
 * the next write sends those part numbers again.
 */
final class S3UploadAppender implements UploadAppender {
    private static final long HIGH_WATER = 2L << 20;
    private static final long LOW_WATER = 512L << 10;
    private static final int PARTS_IN_FLIGHT = 2;

    private final S3Bucket bucket;
    private final String id;
    private final UploadState before;
    /** The ETag of the state as this writer last wrote it (its claim, renewed with each part). */
    private String stateEtag;
    private final boolean conditionalWrites;
    private final Path spoolDir;
    private final long partSize;
    private final Executor io;
    private final Runnable onClose;
    private final SavableSha256 hasher;
    private final List<UploadState.Part> sent = new ArrayList<>();
    private final Deque<CompletableFuture<UploadState.Part>> inFlight = new ArrayDeque<>();
    private final AtomicLong pending = new AtomicLong();
    private String multipartId;
    private Path spool;
    private FileChannel channel;
    private long spoolSize;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private volatile Runnable drainHandler;
    private volatile boolean failed;
    private boolean closed;

    /** Blocks: brings the upload's tail into a new spool file (call on a worker thread). */
    S3UploadAppender(S3Bucket bucket, String id, UploadState before, String stateEtag, boolean conditionalWrites, Path spoolDir,
                     long partSize, Executor io, Runnable onClose) throws IOException {
        this.bucket = bucket;
        this.id = id;
        this.before = before;
        this.stateEtag = stateEtag;
        this.conditionalWrites = conditionalWrites;
        this.spoolDir = spoolDir;
        this.partSize = partSize;
        this.io = io;
        this.onClose = onClose;
        this.hasher = SavableSha256.restore(before.hash());
        this.multipartId = before.multipartId();
        this.spool = newSpoolFile();
        if (before.tailSize() > 0 && !bucket.download(S3Layout.uploadTail(id, before.tailVersion()), spool)) {
            Files.deleteIfExists(spool);
            release();
            throw new StorageException("upload " + id + " lost its tail object " + S3Layout.uploadTail(id, before.tailVersion()), null);
        }
        this.channel = FileChannel.open(spool, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
        this.spoolSize = before.tailSize();
        channel.position(spoolSize);
    }

    private Path newSpoolFile() throws IOException {
        return Files.createTempFile(spoolDir, id + "-", ".part");
    }

    @Override
    public long startOffset() {
        return before.size();
    }

    @Override
    public void drainHandler(Runnable handler) {
        this.drainHandler = handler;
    }

    /** No reader follows an S3 upload as it arrives (the pull-through cache's fills need the filesystem driver). */
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
        long queued = pending.addAndGet(n);
        tail = tail.thenRunAsync(() -> write(copy), io);
        return queued < HIGH_WATER;
    }

    private void write(ByteBuffer buffer) {
        int bytes = buffer.remaining();
        try {
            hasher.update(buffer.duplicate());
            while (buffer.hasRemaining()) {
                int slice = (int) Math.min(buffer.remaining(), partSize - spoolSize);
                ByteBuffer part = buffer.slice().limit(slice);
                while (part.hasRemaining()) {
                    channel.write(part);
                }
                buffer.position(buffer.position() + slice);
                spoolSize += slice;
                if (spoolSize == partSize) {
                    sendPart();
                }
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            Runnable drain = drainHandler;
            if (drain != null) {
                drain.run();
            }
            throw new StorageException("cannot write upload data: " + e.getMessage(), e);
        }
        long before = pending.getAndAdd(-bytes);
        Runnable drain = drainHandler;
        if (drain != null && before >= LOW_WATER && before - bytes < LOW_WATER) {
            drain.run();
        }
    }

    /** Sends the full spool as the next part and starts a new one; waits when enough parts are on their way already. */
    private void sendPart() throws IOException {
        channel.close();
        renewClaim();
        if (multipartId == null) {
            multipartId = bucket.createMultipart(S3Layout.uploadData(id));
        }
        int number = before.parts().size() + sent.size() + inFlight.size() + 1;
        Path full = spool;
        long size = spoolSize;
        inFlight.add(bucket.uploadPart(S3Layout.uploadData(id), multipartId, number, full, 0, size)
                .thenApply(etag -> new UploadState.Part(number, size, etag))
                .whenComplete((p, e) -> deleteQuietly(full)));
        spool = newSpoolFile();
        channel = FileChannel.open(spool, StandardOpenOption.WRITE);
        spoolSize = 0;
        while (inFlight.size() >= PARTS_IN_FLIGHT) {
            sent.add(S3Bucket.await(inFlight.poll()));
        }
    }

    /**
     * Writes the claim again with the time now, before a part goes out: a writer whose claim ran out and was taken
     * by another request stops here, so two writers never send parts of the same numbers.
     */
    private void renewClaim() throws IOException {
        try {
            stateEtag = bucket.put(S3Layout.uploadState(id), before.claimedBy(before.writer(), System.currentTimeMillis()).toJson(),
                    conditionalWrites ? S3Bucket.Condition.matching(stateEtag) : S3Bucket.Condition.NONE);
        } catch (S3Bucket.PreconditionFailedException e) {
            throw new UploadStateException(UploadStateException.Kind.BUSY, "another request took over this upload", -1);
        }
    }

    /** Gives the claim up, the upload as it was before this write; a claim already taken by another is left alone. */
    private void release() {
        try {
            bucket.put(S3Layout.uploadState(id), before.released().toJson(),
                    conditionalWrites ? S3Bucket.Condition.matching(stateEtag) : S3Bucket.Condition.NONE);
        } catch (IOException e) {
            // taken over, or the bucket is unreachable: the claim then runs out by itself
        }
    }

    @Override
    public CompletableFuture<Result> finish() {
        if (closed) {
            throw new IllegalStateException("already closed");
        }
        closed = true;
        return tail.thenApplyAsync(v -> {
            try {
                return complete();
            } catch (IOException e) {
                throw new StorageException("cannot complete upload data: " + e.getMessage(), e);
            }
        }, io).whenComplete((r, e) -> {
            if (e != null) {
                release();
                cleanUp();
            }
        });
    }

    private Result complete() throws IOException {
        while (!inFlight.isEmpty()) {
            sent.add(S3Bucket.await(inFlight.poll()));
        }
        channel.close();
        UploadState after = before.next(multipartId, sent, spoolSize, hasher.state());
        if (spoolSize > 0) {
            bucket.putFile(S3Layout.uploadTail(id, after.version()), spool, 0, spoolSize);
        }
        try {
            bucket.put(S3Layout.uploadState(id), after.toJson(),
                    conditionalWrites ? S3Bucket.Condition.matching(stateEtag) : S3Bucket.Condition.NONE);
        } catch (S3Bucket.PreconditionFailedException e) {
            bucket.delete(S3Layout.uploadTail(id, after.version()));
            throw new UploadStateException(UploadStateException.Kind.BUSY, "another request took over this upload", -1);
        }
        if (before.tailSize() > 0) {
            bucket.delete(S3Layout.uploadTail(id, before.tailVersion()));
        }
        cleanUp();
        return new Result(after.size(), (SavableSha256) hasher.clone());
    }

    @Override
    public CompletableFuture<Void> abort() {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        closed = true;
        return tail.handleAsync((v, e) -> {
            for (CompletableFuture<UploadState.Part> part : inFlight) {
                part.exceptionally(x -> null).join();
            }
            release();
            cleanUp();
            return null;
        }, io);
    }

    private void cleanUp() {
        try {
            channel.close();
        } catch (IOException e) {
            // the spool goes next anyway
        }
        deleteQuietly(spool);
        onClose.run();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stray spool file is removed at the next start
        }
    }
}
