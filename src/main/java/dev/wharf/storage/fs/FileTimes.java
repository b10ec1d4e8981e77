package dev.wharf.storage.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * How the store sets a blob file's modification time, which is the filesystem driver's garbage-collection
 * interlock (a "touch"). A seam, so that a test can make it fail the way a file owned by another user or a
 * read-only mount does.
 */
@FunctionalInterface
public interface FileTimes {
    /** The real file system. */
    FileTimes DIRECT = Files::setLastModifiedTime;

    void setModified(Path file, FileTime time) throws IOException;
}
