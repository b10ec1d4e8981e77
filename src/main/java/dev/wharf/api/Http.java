package dev.wharf.api;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import io.vertx.ext.web.RoutingContext;

/** Small HTTP helpers shared by the handlers. */
final class Http {
    private Http() {
    }

    static RegistryException methodNotAllowed() {
        return RegistryException.withStatus(ErrorCode.UNSUPPORTED, 405, "method not allowed on this endpoint");
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

    static int intParam(RoutingContext ctx, String name, int fallback) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw RegistryException.withStatus(ErrorCode.UNSUPPORTED, 400, "query parameter " + name + " must be a number");
        }
    }
}
