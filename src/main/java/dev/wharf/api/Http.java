package dev.wharf.api;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.Problem;
import dev.wharf.error.RegistryException;
import io.vertx.ext.web.RoutingContext;

/** Small HTTP helpers shared by the handlers. */
final class Http {
    private Http() {
    }

    static RegistryException methodNotAllowed() {
        return RegistryException.of(Problem.METHOD_NOT_ALLOWED, "method not allowed on this endpoint");
    }

    /** Listing endpoints answer GET and HEAD only. */
    static void requireRead(RoutingContext ctx) {
        io.vertx.core.http.HttpMethod m = ctx.request().method();
        if (m != io.vertx.core.http.HttpMethod.GET && m != io.vertx.core.http.HttpMethod.HEAD) {
            throw methodNotAllowed();
        }
    }

    /** Whether requests of this method carry a body (and so are paused until a handler reads it, and timed). */
    static boolean carriesBody(io.vertx.core.http.HttpMethod method) {
        return method == io.vertx.core.http.HttpMethod.POST || method == io.vertx.core.http.HttpMethod.PUT
                || method == io.vertx.core.http.HttpMethod.PATCH;
    }

    /** The request's Content-Length, or -1 when it has none (chunked transfer encoding). */
    static long contentLength(RoutingContext ctx) {
        String value = ctx.request().getHeader("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw RegistryException.of(ErrorCode.SIZE_INVALID, "invalid Content-Length");
        }
    }

    /** Whether the request carries a body: a positive length, or chunked transfer encoding. */
    static boolean hasBody(RoutingContext ctx) {
        long length = contentLength(ctx);
        return length > 0 || (length < 0 && ctx.request().getHeader("Transfer-Encoding") != null);
    }

}
