package dev.wharf.storage;

import java.io.IOException;

/**
 * A whole blob streaming straight to where the store keeps it, its digest known before its bytes (a monolithic
 * push): no upload session in between. {@link #finish()} says what arrived and its hash; the bytes stay invisible
 * until {@link #publish}, which the caller calls only once that hash matched the digest, and {@link #discard}
 * drops them otherwise.
 */
public interface WholeBlobWrite extends UploadAppender {
    /**
     * Blocks: makes the finished bytes the blob (nothing new is written when the blob is stored already), and
     * ends the upload session the write finishes, if any.
     */
    void publish() throws IOException;

    /** Blocks: drops what reached the store; safe after a failed or aborted write, and after another discard. */
    void discard();
}
