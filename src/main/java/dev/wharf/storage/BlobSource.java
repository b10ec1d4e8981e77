package dev.wharf.storage;

import java.nio.file.Path;

/**
 * Where a reader finds a blob's bytes. The filesystem driver hands out a file, which the HTTP layer sends with
 * zero-copy {@code sendFile}; the pull-through cache hands out a file still being filled, or only the size of a
 * blob its upstream holds (for a {@code HEAD}).
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
}
