package dev.wharf.api;

import dev.wharf.error.Problem;
import dev.wharf.error.RegistryException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/** Reads a small request body (a manifest) into memory, refusing one larger than a limit before it is all read. */
final class LimitedBody {
    private LimitedBody() {
    }

    static Future<Buffer> read(HttpServerRequest request, long declaredLength, int limit) {
        if (declaredLength > limit) {
            throw tooLarge(limit);
        }
        Promise<Buffer> done = Promise.promise();
        Buffer body = Buffer.buffer(declaredLength > 0 ? (int) declaredLength : 1024);
        request.handler(chunk -> {
            if (body.length() + chunk.length() > limit) {
                request.handler(null);
                done.tryFail(tooLarge(limit));
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(done::tryFail);
        request.endHandler(v -> done.tryComplete(body));
        request.resume();
        return done.future();
    }

    private static RegistryException tooLarge(int limit) {
        return RegistryException.of(Problem.MANIFEST_TOO_LARGE, "manifest larger than the limit of " + limit + " bytes");
    }
}
