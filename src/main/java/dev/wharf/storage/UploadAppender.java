package dev.wharf.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * One request body streaming onto the end of an upload. The caller (an event loop) hands over buffers; the
 * store writes and hashes them in order on its own threads, and says through {@link #append}'s answer and the
 * drain handler when the caller should pause and resume reading. Either {@link #finish()} makes the whole body
 * part of the upload, or {@link #abort()} gives it back, so a torn request leaves the upload as it was.
 */
public interface UploadAppender {
    /** What a finished write leaves: the upload's new size and the hash state at that size. */
    record Result(long size, MessageDigest hasher) {
    }

    /** Where this write started: the upload's size before it. */
    long startOffset();

    /** Called (on any thread) each time the bytes queued fall low enough to read more. */
    void drainHandler(Runnable handler);

    /**
     * Called (on any thread) each time more of this write is in the upload's file, with the upload's size in the
     * file so far: for a reader that follows an upload as it arrives (the pull-through cache's fill).
     */
    void progressHandler(LongConsumer handler);

    /**
     * Queues what has been appended so far for writing now, rather than once a whole batch has gathered, so that a
     * reader following the file is not kept waiting for bytes that arrive slowly; but only when nothing else is
     * waiting to be written (while writes are under way, a part-filled batch would only cost a buffer). Returns
     * false when it left the bytes for later for that reason. Same thread as {@link #append}.
     */
    boolean flush();

    /** Queues a buffer; returns true while the caller may keep sending, false when it should pause. */
    boolean append(ByteBuffer buffer);

    /** Completes the write: everything appended is in the upload. */
    CompletableFuture<Result> finish();

    /** Abandons this request's bytes: the upload goes back to the size it had before. */
    CompletableFuture<Void> abort();
}
