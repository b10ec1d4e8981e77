package dev.wharf.storage.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How the store opens the files that client bytes are written into (upload data). A seam, so that a test can
 * hand out channels that fail the way a full disk or a dying drive does, and check that the client hears a
 * clear 5xx and the store stays consistent.
 */
@FunctionalInterface
public interface WriteChannels {
    /** The real file system. */
    WriteChannels DIRECT = file -> FileChannel.open(file, StandardOpenOption.WRITE);

    /** Opens an existing file for writing, positioned at its start. */
    FileChannel openForWrite(Path file) throws IOException;
}
