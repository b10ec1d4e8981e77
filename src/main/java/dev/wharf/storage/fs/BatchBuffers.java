package dev.wharf.storage.fs;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The buffers that upload bodies are gathered in on their way to disk: direct buffers, reused, up to a fixed
 * number; beyond that (many uploads at once) plain heap buffers, which work the same, only cost more.
 * <p>
 * Why: Vert.x hands each piece of a body over in a fresh heap buffer. Kept queued until an I/O thread has
 * written it, those pieces lived long enough to survive young collections, filled the small old generation and
 * set off full collections every few dozen MiB pushed (measured: 34 full pauses of ~23 ms in 2 GiB of 16 MiB
 * pushes). Copied at once into a buffer of this pool, each piece dies young, and the file write reads the direct
 * buffer as it is, where a heap buffer is first copied into a temporary direct one by the JDK: the copy moves,
 * it is not added.
 */
final class BatchBuffers {
    private final int size;
    private final int maxDirect;
    private final ArrayBlockingQueue<ByteBuffer> free;
    private final AtomicInteger created = new AtomicInteger();

    BatchBuffers(int size, int maxDirect) {
        this.size = size;
        this.maxDirect = maxDirect;
        this.free = new ArrayBlockingQueue<>(maxDirect);
    }

    /** An empty buffer of the pool's size: a pooled direct one while there are any, else a new heap one. */
    ByteBuffer take() {
        ByteBuffer buffer = free.poll();
        if (buffer != null) {
            return buffer;
        }
        if (created.incrementAndGet() <= maxDirect) {
            return ByteBuffer.allocateDirect(size);
        }
        created.decrementAndGet();
        return ByteBuffer.allocate(size);
    }

    /** Gives a buffer back once nothing reads it any more; heap buffers are left to the garbage collector. */
    void release(ByteBuffer buffer) {
        if (buffer.isDirect()) {
            buffer.clear();
            free.offer(buffer);
        }
    }

    /** Direct buffers idle in the pool now (a test looks for leaks with it). */
    int idle() {
        return free.size();
    }

    /** Direct buffers made so far. */
    int created() {
        return Math.min(created.get(), maxDirect);
    }
}
