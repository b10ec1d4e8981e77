package dev.wharf.storage;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Where a reader finds a blob's bytes. The filesystem driver hands out a file, which the HTTP layer sends with
 * zero-copy {@code sendFile}; the pull-through cache hands out a file still being filled, or only the size of a
 * blob its upstream holds (for a {@code HEAD}); the S3 driver hands out a stream, or a presigned URL.
 */
public sealed interface BlobSource {
    /** The blob's size in bytes. */
    long size();

    /** A file on the local disk, read from its start. */
    record File(Path path, long size) implements BlobSource {
    }

    /**
     * A blob on its way in from an upstream registry: {@code progress} holds its file, open (so it stays readable
     * when it becomes the blob's file), and says how far it may be read. The reader must {@link FillProgress#release()}.
     */
    record Filling(long size, FillProgress progress) implements BlobSource {
    }

    /** A blob an upstream registry holds and this one does not (yet): only its size is known, enough for a HEAD. */
    record Remote(long size) implements BlobSource {
    }

    /** A blob in an object store, read from any offset as a stream of buffers that arrive with back-pressure. */
    record Streamed(long size, RangeReader reader) implements BlobSource {
    }

    /** A blob the client is sent to fetch elsewhere (a presigned URL of the object store), with a 307. */
    record Redirect(long size, URI location) implements BlobSource {
    }

    /** Opens {@code length} bytes from {@code offset}; the publisher hands them on as the store sends them. */
    @FunctionalInterface
    interface RangeReader {
        CompletableFuture<Flow.Publisher<ByteBuffer>> open(long offset, long length);
    }
}
