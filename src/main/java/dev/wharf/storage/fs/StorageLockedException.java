package dev.wharf.storage.fs;

import java.nio.file.Path;

/** The storage root is owned by another process (a running server, or an offline command). */
public final class StorageLockedException extends RuntimeException {
    public StorageLockedException(Path root, String holder) {
        super("the storage root " + root + " is in use (" + holder + "); only one process may own it at a time");
    }
}
