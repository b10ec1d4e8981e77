package dev.wharf.storage.fs;

import dev.wharf.testing.InterceptedFileChannel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Upload files that fail like a full disk or a dying drive: once armed, a write that would take a channel
 * past {@code bytesBeforeFault} bytes throws the given error instead of writing.
 */
public final class FaultyWriteChannels implements WriteChannels {
    private volatile String error;
    private volatile long bytesBeforeFault;

    /** From now on, writes beyond {@code bytesBeforeFault} bytes per opened file fail with {@code error}. */
    public void arm(String error, long bytesBeforeFault) {
        this.bytesBeforeFault = bytesBeforeFault;
        this.error = error;
    }

    public void disarm() {
        this.error = null;
    }

    @Override
    public FileChannel openForWrite(Path file) throws IOException {
        return new Faulty(FileChannel.open(file, StandardOpenOption.WRITE));
    }

    private final class Faulty extends InterceptedFileChannel {
        private long written;

        Faulty(FileChannel delegate) {
            super(delegate);
        }

        @Override
        protected void beforeWrite(long bytes) throws IOException {
            String fault = error;
            if (fault != null && written + bytes > bytesBeforeFault) {
                throw new IOException(fault);
            }
            written += bytes;
        }
    }
}
