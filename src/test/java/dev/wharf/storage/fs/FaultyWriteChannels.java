package dev.wharf.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
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

    private final class Faulty extends FileChannel {
        private final FileChannel delegate;
        private long written;

        Faulty(FileChannel delegate) {
            this.delegate = delegate;
        }

        private void check(long bytes) throws IOException {
            String fault = error;
            if (fault != null && written + bytes > bytesBeforeFault) {
                throw new IOException(fault);
            }
            written += bytes;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long bytes = 0;
            for (int i = offset; i < offset + length; i++) {
                bytes += srcs[i].remaining();
            }
            check(bytes);
            return delegate.write(srcs, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            check(src.remaining());
            return delegate.write(src);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            check(src.remaining());
            return delegate.write(src, position);
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
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            check(count);
            return delegate.transferFrom(src, position, count);
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
