package dev.wharf.storage;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where a reader finds a blob's bytes. The filesystem driver hands out a file, which the HTTP layer sends with
 * zero-copy {@code sendFile}; the pull-through cache hands out a file still being filled, or only the size of a
 * blob its upstream holds (for a {@code HEAD}); the S3 driver hands out a presigned URL, to relay or to redirect to.
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

    /**
     * A blob in an object store, at a URL that needs no credentials for a while (a presigned GET): the HTTP layer
     * fetches the range it needs from there and relays the bytes, socket to socket.
     */
    record Relayed(long size, URI location) implements BlobSource {
    }

    /** A blob the client is sent to fetch elsewhere (a presigned URL of the object store), with a 307. */
    record Redirect(long size, URI location) implements BlobSource {
    }
}
