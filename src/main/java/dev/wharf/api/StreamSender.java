package dev.wharf.api;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Sends a blob that arrives as a stream (the S3 driver's ranged GET) to the client, a few buffers ahead at most:
 * the next one is asked for only when a write has gone out, so a slow client slows the read from the bucket
 * instead of filling memory, and no thread waits meanwhile. A stream that fails or ends short cuts the
 * connection, so the client sees a short body rather than a complete wrong one.
 */
final class StreamSender implements Flow.Subscriber<ByteBuffer> {
    /**
     * Buffers asked for but not yet written out (the SDK hands on network reads of up to some KiB each, so this is
     * well under a MiB per download); the write queue alone does not bound TLS (see FileRangeSender). Enough
     * that the bucket's connection never waits for the client's between two writes.
     */
    private static final int MAX_IN_FLIGHT = 64;

    private final HttpServerResponse response;
    private final long length;
    private final Context context;
    private final Promise<Void> done = Promise.promise();
    private final java.util.Queue<byte[]> arrived = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
    private Flow.Subscription subscription;
    private long sent;
    private boolean finished;

    private StreamSender(HttpServerResponse response, long length) {
        this.response = response;
        this.length = length;
        this.context = Vertx.currentContext();
    }

    /** Sends {@code length} bytes from the stream {@code opening} completes with; the response's headers are set. */
    static Future<Void> send(HttpServerResponse response, CompletableFuture<Flow.Publisher<ByteBuffer>> opening, long length) {
        StreamSender sender = new StreamSender(response, length);
        response.closeHandler(v -> sender.fail(new IllegalStateException("the client went away")));
        opening.whenComplete((publisher, e) -> sender.context.runOnContext(v -> {
            if (e != null) {
                // nothing sent yet: the error answer can still go out
                sender.finished = true;
                sender.done.tryFail(e);
            } else {
                publisher.subscribe(sender);
            }
        }));
        return sender.done.future();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        context.runOnContext(v -> {
            subscription = s;
            if (finished) {
                s.cancel();
            } else {
                s.request(MAX_IN_FLIGHT);
            }
        });
    }

    /**
     * Buffers arrive on the SDK's threads; they are queued and written in one hop to the response's context for
     * as many as have come meanwhile, rather than one hop each.
     */
    @Override
    public void onNext(ByteBuffer item) {
        byte[] bytes = new byte[item.remaining()];
        item.get(bytes);
        arrived.add(bytes);
        if (draining.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    private void drain() {
        draining.set(false);
        for (byte[] bytes; (bytes = arrived.poll()) != null; ) {
            if (finished) {
                arrived.clear();
                return;
            }
            sent += bytes.length;
            if (sent > length) {
                fail(new IllegalStateException("the store sent more than " + length + " bytes"));
                return;
            }
            response.write(Buffer.buffer(bytes)).onComplete(ar -> {
                if (ar.failed()) {
                    fail(ar.cause());
                } else if (!finished) {
                    subscription.request(1);
                }
            });
        }
    }

    @Override
    public void onError(Throwable t) {
        context.runOnContext(v -> fail(t));
    }

    @Override
    public void onComplete() {
        context.runOnContext(v -> {
            drain(); // what arrived before the end, in order
            if (finished) {
                return;
            }
            if (sent != length) {
                fail(new IllegalStateException("the store sent " + sent + " of " + length + " bytes"));
                return;
            }
            finished = true;
            response.end().onComplete(done);
        });
    }

    private void fail(Throwable t) {
        if (finished) {
            return;
        }
        finished = true;
        if (subscription != null) {
            subscription.cancel();
        }
        if (response.headWritten()) {
            response.reset(); // the status and length are out: only a cut connection tells the client
        }
        done.tryFail(t);
    }
}
