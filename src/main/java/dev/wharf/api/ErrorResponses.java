package dev.wharf.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The one place where failures become HTTP answers with the spec's JSON error body. */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorResponses() {
    }

    public static void send(RoutingContext ctx, Throwable failure) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            // nobody is listening any more (a client that hung up mid-body): nothing to say, nothing to log
            return;
        }
        RegistryException error = toRegistryException(unwrap(failure), ctx);
        if (response.headWritten()) {
            // Part of a body is out already; the only honest signal left is to cut the connection.
            ctx.request().connection().close();
            return;
        }
        byte[] body = body(error);
        response.setStatusCode(error.status())
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Docker-Distribution-API-Version", "registry/2.0");
        if (!ctx.request().isEnded() && sendsBody(ctx)) {
            // The client is still sending a body we will not read: close rather than desynchronise the stream.
            response.putHeader("Connection", "close");
        }
        if (ctx.request().method() == HttpMethod.HEAD) {
            response.putHeader("Content-Length", String.valueOf(body.length)).end();
        } else {
            response.end(io.vertx.core.buffer.Buffer.buffer(body));
        }
    }

    private static boolean sendsBody(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        return (length != null && !length.trim().equals("0")) || ctx.request().getHeader("Transfer-Encoding") != null;
    }

    /** A router failure handler: answers whatever failed the routing context. */
    public static void failed(RoutingContext ctx) {
        send(ctx, ctx.failure() != null ? ctx.failure()
                : RegistryException.withStatus(ErrorCode.UNKNOWN, ctx.statusCode(), "request failed"));
    }

    static byte[] body(RegistryException error) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode errors = root.putArray("errors");
        ObjectNode e = errors.addObject().put("code", error.code().name()).put("message", error.getMessage());
        if (error.detail() != null) {
            e.set("detail", JSON.valueToTree(error.detail()));
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static RegistryException toRegistryException(Throwable t, RoutingContext ctx) {
        if (t instanceof RegistryException re) {
            return re;
        }
        if (isDiskFull(t)) {
            LOG.error("storage full while serving {} {}", ctx.request().method(), ctx.request().path());
            return RegistryException.withStatus(ErrorCode.UNKNOWN, 507, "insufficient storage: the registry's disk is full");
        }
        LOG.error("internal error serving {} {}", ctx.request().method(), ctx.request().path(), t);
        return RegistryException.of(ErrorCode.UNKNOWN, "internal error: " + t.getClass().getSimpleName());
    }

    private static boolean isDiskFull(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (c instanceof IOException && m != null && (m.contains("No space left") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
