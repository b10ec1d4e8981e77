package dev.wharf.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import dev.wharf.storage.FillProgress;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sends a range of a file over a connection where the kernel cannot send it for us (TLS: the bytes must pass
 * through the process to be encrypted). Vert.x's sendFile does that 8 KiB at a time, each piece one TLS record,
 * one encryption call and one socket write; this reads 64 KiB at a time into pooled direct buffers, which the TLS
 * engine encrypts as they are (no copy out of the Java heap) into full 16 KiB records.
 * <p>
 * The reads run on the event loop, as Vert.x's own sendFile does over TLS: a blob being pulled is in the page
 * cache nearly always (it was just written, or is read by many), where a 64 KiB read takes microseconds, less
 * than a hand-off to a worker thread and back.
 * <p>
 * It also sends a file that is still growing (a blob the pull-through cache is filling): it sends what the
 * {@link FillProgress} says is readable, waits to be called back when more is, and cuts the connection if the fill
 * fails, so the client sees a short body rather than a complete wrong one.
 */
final class FileRangeSender {
    private static final int CHUNK = 64 * 1024;
    /**
     * Chunks written but not yet out, at most. The TLS handler holds bytes it has not encrypted yet without
     * counting them against the connection's write queue, so the queue alone would not stop a loop that writes
     * a whole blob into memory at once (it did: the direct memory ran out at the first 256 MiB pull).
     */
    private static final int MAX_IN_FLIGHT = 4;

    private final HttpServerResponse response;
    private final FileChannel channel;
    private final Promise<Void> done = Promise.promise();
    private final long end;
    /** How far a growing file may be read; null for a file that is complete. */
    private final FillProgress progress;
    private final Context context;
    private boolean waiting;
    /** The next byte to read; {@code end + 1} once the response is ending. */
    private long position;
    private int inFlight;
    private boolean finished;
    private boolean pumping;
    private boolean again;

    private FileRangeSender(HttpServerResponse response, FileChannel channel, long offset, long length, FillProgress progress) {
        this.response = response;
        this.progress = progress;
        this.context = Vertx.currentContext();
        this.channel = channel;
        this.position = offset;
        this.end = offset + length;
    }

    /** Sends {@code length} bytes of {@code file} from {@code offset} as the response body, then ends the response. */
    static Future<Void> send(HttpServerResponse response, Path file, long offset, long length) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            return Future.failedFuture(e);
        }
        return start(response, channel, offset, length, null);
    }

    /**
     * As {@link #send(HttpServerResponse, Path, long, long)}, for a file that grows as {@code progress} says, read
     * through its shared channel (released, not closed, at the end).
     */
    static Future<Void> send(HttpServerResponse response, FillProgress progress, long offset, long length) {
        return start(response, progress.channel(), offset, length, progress);
    }

    private static Future<Void> start(HttpServerResponse response, FileChannel channel, long offset, long length, FillProgress progress) {
        FileRangeSender sender = new FileRangeSender(response, channel, offset, length, progress);
        response.closeHandler(v -> sender.finish(new IOException("the client closed the connection")));
        sender.writeMore();
        return sender.done.future();
    }

    /**
     * Writes while there is room. Re-entrant calls (a write that completes at once calls back in here) only ask
     * the running loop to look again, so the stack stays flat however many writes complete synchronously.
     */
    private void writeMore() {
        if (finished) {
            return;
        }
        if (pumping) {
            again = true;
            return;
        }
        pumping = true;
        try {
            do {
                again = false;
                pump();
            } while (again && !finished);
        } finally {
            pumping = false;
        }
    }

    private void pump() {
        try {
            long limit = progress == null ? end : Math.min(end, progress.readable());
            while (position < limit && inFlight < MAX_IN_FLIGHT && !response.writeQueueFull()) {
                int n = (int) Math.min(CHUNK, limit - position);
                ByteBuf chunk = ByteBufAllocator.DEFAULT.directBuffer(n);
                try {
                    while (chunk.writerIndex() < n) {
                        int read = chunk.writeBytes(channel, position + chunk.writerIndex(), n - chunk.writerIndex());
                        if (read < 0) {
                            throw new EOFException("the blob ended " + (end - position - chunk.writerIndex()) + " bytes early");
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    chunk.release();
                    throw e;
                }
                position += n;
                inFlight++;
                // Vert.x hands Netty a buffer it may not release (its rule for buffers it did not make): the chunk
                // goes back to the pool once it is out.
                response.write(BufferInternal.buffer(chunk)).onComplete(written -> {
                    chunk.release();
                    inFlight--;
                    if (written.failed()) {
                        finish(written.cause());
                    } else {
                        writeMore();
                    }
                });
            }
        } catch (IOException | RuntimeException e) {
            finish(e);
            return;
        }
        if (position == end) {
            position++;
            response.end().onComplete(ended -> finish(ended.cause()));
        } else if (position < end && progress != null && position >= progress.readable()) {
            awaitMore();
        } else if (position < end && inFlight < MAX_IN_FLIGHT) {
            response.drainHandler(v -> writeMore());
        }
    }

    /** The growing file has nothing more to read yet: be called back when it has, or when its fill failed. */
    private void awaitMore() {
        Throwable failed = progress.failure();
        if (failed != null) {
            finish(failed);
            return;
        }
        if (waiting) {
            return;
        }
        waiting = true;
        progress.whenReadable(position, () -> context.runOnContext(v -> {
            waiting = false;
            if (progress.failure() != null) {
                finish(progress.failure());
            } else {
                writeMore();
            }
        }));
    }

    private void finish(Throwable failure) {
        if (finished) {
            return;
        }
        finished = true;
        if (progress != null) {
            progress.release();
        } else {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only: nothing was lost
            }
        }
        if (failure == null) {
            done.tryComplete();
        } else {
            done.tryFail(failure);
        }
    }
}
