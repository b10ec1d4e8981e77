package dev.wharf.storage;

import java.nio.channels.FileChannel;

/**
 * How far a blob that is being filled (written while it is read) may be read. Readers send what is readable, then
 * wait for more; the last byte becomes readable only once the bytes' hash matches the digest, so a reader never sends
 * a complete blob whose digest is wrong.
 */
public interface FillProgress {
    /** Bytes from the start that are in the file and may be sent. */
    long readable();

    /** Calls {@code callback} once (on any thread) when {@link #readable()} exceeds {@code position}, or the fill failed. */
    void whenReadable(long position, Runnable callback);

    /** Why the fill failed, or null while it goes on and once it succeeded. */
    Throwable failure();

    /** The file being filled, open for positional reads, shared by every reader: never closed by one. */
    FileChannel channel();

    /** One reader is done with {@link #channel()}; the last one out closes it. */
    void release();
}
