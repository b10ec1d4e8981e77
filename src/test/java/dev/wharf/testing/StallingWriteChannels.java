package dev.wharf.testing;

import dev.wharf.storage.fs.WriteChannels;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
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

    private final class Stalling extends FileChannel {
        private final FileChannel delegate;

        Stalling(FileChannel delegate) {
            this.delegate = delegate;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            awaitGate();
            return delegate.write(srcs, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            awaitGate();
            return delegate.write(src);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            awaitGate();
            return delegate.write(src, position);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            awaitGate();
            return delegate.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            delegate.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
