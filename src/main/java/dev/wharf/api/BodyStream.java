package dev.wharf.api;

import dev.wharf.storage.UploadAppender;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.ByteBuffer;

/**
 * Pumps a request body into an {@link UploadAppender} with back-pressure: the request is paused while
 * the appender has more than a few MiB queued, and resumed once the disk has caught up.
 */
final class BodyStream {
    private BodyStream() {
    }

    /**
     * Streams the body; the future completes on the request's context once every byte is in the file,
     * or fails (after the appender has rolled back) when the body was cut short.
     */
    static Future<UploadAppender.Result> pipe(Context context, HttpServerRequest request, UploadAppender appender) {
        Promise<UploadAppender.Result> done = Promise.promise();
        appender.drainHandler(() -> context.runOnContext(v -> request.resume()));
        request.handler(buffer -> {
            if (!appender.append(nio(buffer))) {
                request.pause();
            }
        });
        request.exceptionHandler(err -> appender.abort().whenComplete((v, e) -> context.runOnContext(x -> done.tryFail(err))));
        request.endHandler(v -> appender.finish().whenComplete((result, err) -> context.runOnContext(x -> {
            if (err != null) {
                done.tryFail(err);
            } else {
                done.tryComplete(result);
            }
        })));
        if (request.response().closed()) {
            // The client left while the request waited for a worker thread: its exception went out before
            // there was a handler to hear it, and no end will come. Give the upload back now.
            appender.abort().whenComplete((v, e) -> context.runOnContext(x -> done.tryFail(new HttpClosedException("Connection was closed"))));
            return done.future();
        }
        request.resume();
        return done.future();
    }

    private static ByteBuffer nio(Buffer buffer) {
        // Vert.x hands each handler its own copy of the bytes, so keeping a view past the call is safe.
        return ((BufferInternal) buffer).getByteBuf().nioBuffer();
    }
}
