package dev.wharf.storage.s3;

import dev.wharf.storage.StorageException;
import dev.wharf.storage.UploadStateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One request body onto an S3 upload session. Bytes are hashed and spooled to a local file ({@link SpooledBody});
 * each time the spool holds a whole part it goes to the session's multipart upload (two at most in flight, so memory and spool stay bounded), and the
 * rest starts a new spool. {@link #finish} stores what is short of a part as the upload's new tail object and then
 * the new state (size, parts, SHA-256 state) with a write conditional on the state this write began from: the
 * upload changes in one step or not at all, and a concurrent write on another replica cannot be silently merged.
 * A request that breaks off ({@link #abort}) leaves the state as it was; parts it sent are not in the state and
 * the next write sends those part numbers again.
 */
final class S3UploadAppender extends SpooledBody {
    private static final int PARTS_IN_FLIGHT = 2;

    private final S3Bucket bucket;
    private final String id;
    private final UploadState before;
    /** The ETag of the state as this writer last wrote it (its claim, renewed with each part). */
    private String stateEtag;
    private final boolean conditionalWrites;
    private final Runnable onClose;
    private final List<UploadState.Part> sent = new ArrayList<>();
    private final Deque<CompletableFuture<UploadState.Part>> inFlight = new ArrayDeque<>();
    private String multipartId;

    /** Blocks: brings the upload's tail into a new spool file (call on a worker thread). */
    S3UploadAppender(S3Bucket bucket, String id, UploadState before, String stateEtag, boolean conditionalWrites, Path spoolDir,
                     long partSize, Executor io, Runnable onClose) throws IOException {
        super(SavableSha256.restore(before.hash()), spoolDir, partSize, io, id);
        this.bucket = bucket;
        this.id = id;
        this.before = before;
        this.stateEtag = stateEtag;
        this.conditionalWrites = conditionalWrites;
        this.onClose = onClose;
        this.multipartId = before.multipartId();
        Path file = newSpoolFile();
        if (before.tailSize() > 0 && !bucket.download(S3Layout.uploadTail(id, before.tailVersion()), file)) {
            Files.deleteIfExists(file);
            release();
            throw new StorageException("upload " + id + " lost its tail object " + S3Layout.uploadTail(id, before.tailVersion()), null);
        }
        openSpool(file, before.tailSize());
    }

    @Override
    public long startOffset() {
        return before.size();
    }

    /** Sends the full spool as the next part and starts a new one; waits when enough parts are on their way already. */
    @Override
    protected void partFull() throws IOException {
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
        newSpool();
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
        return closeThen("cannot complete upload data", this::complete).whenComplete((r, e) -> {
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
        SavableSha256 sha = (SavableSha256) hasher;
        UploadState after = before.next(multipartId, sent, spoolSize, sha.state());
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
        return new Result(after.size(), (SavableSha256) sha.clone());
    }

    @Override
    public CompletableFuture<Void> abort() {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        closed = true;
        return queued().handleAsync((v, e) -> {
            for (CompletableFuture<UploadState.Part> part : inFlight) {
                part.exceptionally(x -> null).join();
            }
            release();
            cleanUp();
            return null;
        }, io);
    }

    private void cleanUp() {
        dropSpool();
        onClose.run();
    }
}
