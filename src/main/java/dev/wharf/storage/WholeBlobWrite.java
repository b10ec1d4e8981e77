package dev.wharf.storage;

import java.io.IOException;

/**
 * A whole blob streaming straight to where the store keeps it, its digest known before its bytes (a monolithic
 * push): no upload session in between. {@link #finish()} says what arrived and its hash; the bytes stay invisible
 * until {@link #publish}, which the caller calls only once that hash matched the digest, and {@link #discard}
 * drops them otherwise.
 */
public interface WholeBlobWrite extends UploadAppender {
    /** The write that records the blob in the pushing repository (its link), run by {@link #publish}. */
    @FunctionalInterface
    interface Reference {
        void record() throws IOException;
    }

    /**
     * Blocks: makes the finished bytes the blob (nothing new is written when the blob is stored already), runs
     * {@code reference}, and ends the upload session the write finishes, if any. The store may run the reference
     * while the blob is being written, where nothing reads one without the other: it returns once both are done.
     */
    void publish(Reference reference) throws IOException;

    /** Blocks: drops what reached the store; safe after a failed or aborted write, and after another discard. */
    void discard();
}
