package dev.wharf.testing;

import dev.wharf.storage.fs.WriteChannels;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Upload files on a disk that stops for a while: between {@link #stall()} and {@link #release()} every write
 * waits (at most a minute), so the server's back-pressure holds the client's body back.
 */
public final class StallingWriteChannels implements WriteChannels {
    private volatile CountDownLatch gate = new CountDownLatch(0);

    public void stall() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        gate.countDown();
    }

    @Override
    public FileChannel openForWrite(Path file) throws IOException {
        return new Stalling(FileChannel.open(file, StandardOpenOption.WRITE));
    }

    private void awaitGate() throws IOException {
        try {
            if (!gate.await(1, TimeUnit.MINUTES)) {
                throw new IOException("stalled for a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stalled");
        }
    }

    private final class Stalling extends InterceptedFileChannel {
        Stalling(FileChannel delegate) {
            super(delegate);
        }

        @Override
        protected void beforeWrite(long bytes) throws IOException {
            awaitGate();
        }
    }
}
