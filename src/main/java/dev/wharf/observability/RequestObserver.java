package dev.wharf.observability;

import dev.wharf.api.ApiRoute;
import dev.wharf.api.RegistryApi;
import dev.wharf.auth.Auth;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The first handler of every request: it gives the request its id ({@code X-Request-Id}, the client's when it sent a
 * sane one, else a new UUID, returned on the response), and when the response is done it counts the request in the
 * metrics and writes its access log line. Route kinds come from the registry API's parsed route, so a path's
 * repository name or digest never becomes a metric label.
 */
public final class RequestObserver implements Handler<RoutingContext> {
    public static final String REQUEST_ID = "X-Request-Id";
    /** Where the request's id is kept on the routing context. */
    public static final String ID = "wharf.request-id";
    /** Ids a client may choose: short, and nothing that could break a log line or a header. */
    private static final Pattern ACCEPTED_ID = Pattern.compile("[A-Za-z0-9._:+=/@-]{1,128}");

    private final Metrics metrics;
    private final AccessLog accessLog;

    /** Either may be null: metrics off, or no access log. */
    public RequestObserver(Metrics metrics, AccessLog accessLog) {
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        HttpServerRequest request = ctx.request();
        String offered = request.getHeader(REQUEST_ID);
        String id = offered != null && ACCEPTED_ID.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
        ctx.put(ID, id);
        ctx.response().putHeader(REQUEST_ID, id);
        boolean upload = metrics != null && isUploadBody(request);
        if (upload) {
            metrics.uploadsInProgress().incrementAndGet();
        }
        ctx.addEndHandler(done -> {
            if (upload) {
                metrics.uploadsInProgress().decrementAndGet();
            }
            finished(ctx, id, start);
        });
        ctx.next();
    }

    private static boolean isUploadBody(HttpServerRequest request) {
        HttpMethod m = request.method();
        return (m == HttpMethod.PATCH || m == HttpMethod.PUT || m == HttpMethod.POST) && request.path().contains("/blobs/uploads");
    }

    private void finished(RoutingContext ctx, String id, long start) {
        long nanos = System.nanoTime() - start;
        HttpServerRequest request = ctx.request();
        ApiRoute route = ctx.get(RegistryApi.ROUTE);
        String kind = route != null ? route.kind().name().toLowerCase(Locale.ROOT) : kindOf(request.path());
        // a response cut before its head went out (the client left) has no status of its own
        int status = ctx.response().headWritten() ? ctx.response().getStatusCode() : 499;
        long in = request.bytesRead();
        long out = ctx.response().bytesWritten();
        if (metrics != null) {
            metrics.request(kind, request.method().name(), status, nanos, in, out);
        }
        if (accessLog != null) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("time", Instant.now().toString());
            entry.put("requestId", id);
            SocketAddress client = request.remoteAddress();
            entry.put("client", client == null ? null : client.hostAddress());
            entry.put("user", Auth.user(ctx));
            entry.put("method", request.method().name());
            entry.put("route", kind);
            entry.put("repository", route != null && route.name() != null ? route.name().value() : null);
            entry.put("reference", route != null ? route.reference() : null);
            entry.put("status", status);
            entry.put("bytesIn", in);
            entry.put("bytesOut", out);
            entry.put("durationMs", Math.round(nanos / 1e4) / 100.0);
            accessLog.write(entry);
        }
    }

    /** The kind of a request outside the registry API, from its path's fixed first segment. */
    static String kindOf(String path) {
        if (path == null) {
            return "other";
        }
        if (path.equals("/token")) {
            return "token";
        }
        if (path.equals("/livez") || path.equals("/readyz")) {
            return "health";
        }
        if (path.equals("/metrics")) {
            return "metrics";
        }
        if (path.startsWith("/_wharf/")) {
            return "admin";
        }
        if (path.startsWith("/v2")) {
            return "unknown"; // an API path that did not parse
        }
        return "other";
    }
}
