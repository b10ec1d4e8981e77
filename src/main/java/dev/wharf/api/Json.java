package dev.wharf.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** Sends a value as a JSON body. */
public final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static Future<Void> send(RoutingContext ctx, String contentType, Object value) {
        byte[] body;
        try {
            body = MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ctx.response().putHeader("Content-Type", contentType).putHeader("Content-Length", String.valueOf(body.length));
        if (ctx.request().method() == io.vertx.core.http.HttpMethod.HEAD) {
            return ctx.response().end();
        }
        return ctx.response().end(Buffer.buffer(body));
    }
}
