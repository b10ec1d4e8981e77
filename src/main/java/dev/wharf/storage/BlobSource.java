package dev.wharf.storage;

import java.nio.file.Path;

/**
 * Where a reader finds a blob's bytes. Today the filesystem driver hands out a file, which the HTTP layer
 * sends with zero-copy {@code sendFile}; an object-store driver would add a stream or a redirect here.
 */
public sealed interface BlobSource {
    /** The blob's size in bytes. */
    long size();

    /** A file on the local disk, read from its start. */
    record File(Path path, long size) implements BlobSource {
    }
}
