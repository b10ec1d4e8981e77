package dev.wharf.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.error.ErrorCode;
import dev.wharf.error.Problem;
import dev.wharf.error.RegistryException;
import dev.wharf.registry.Failures;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

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
        RegistryException error = toRegistryException(failure, ctx);
        if (response.headWritten()) {
            // Part of a body is out already; the only honest signal left is to cut the connection.
            ctx.request().connection().close();
            return;
        }
        byte[] body = body(error);
        response.setStatusCode(error.status())
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Docker-Distribution-API-Version", "registry/2.0");
        if (error.retryAfterSeconds() != null) {
            response.putHeader("Retry-After", String.valueOf(error.retryAfterSeconds()));
        }
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
                : RegistryException.of(Problem.forStatus(ctx.statusCode()), "request failed"));
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

    private static RegistryException toRegistryException(Throwable t, RoutingContext ctx) {
        RegistryException known = Failures.translate(t);
        if (known != null) {
            if (known.problem() == Problem.STORAGE_FULL) {
                LOG.error("storage full while serving {} {}", ctx.request().method(), ctx.request().path());
            }
            return known;
        }
        LOG.error("internal error serving {} {}", ctx.request().method(), ctx.request().path(), t);
        return RegistryException.of(ErrorCode.UNKNOWN, "internal error: " + t.getClass().getSimpleName());
    }
}
