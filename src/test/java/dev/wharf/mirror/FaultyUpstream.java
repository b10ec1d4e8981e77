package dev.wharf.mirror;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxy between a mirror and its upstream registry that counts what the mirror asks and breaks on demand: no
 * answer at all (a stopped process: the connection is accepted, nothing comes back), 503, 429, a blob cut in the
 * middle, a blob with wrong bytes, a blob sent at 100 KiB/s. Faults apply to one kind of request (manifest or blob
 * GETs and HEADs), so a test breaks exactly what it means to.
 */
final class FaultyUpstream implements AutoCloseable {
    enum Fault { NONE, HANG, UNAVAILABLE, RATE_LIMITED, CUT_BODY, WRONG_BYTES, SLOW }

    enum Kind { MANIFEST, BLOB, OTHER }

    private static final int SLOW_BYTES_PER_TICK = 10 * 1024;
    private static final long SLOW_TICK_MILLIS = 100;

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient client;
    private final HttpServer server;
    private final int targetPort;
    private final Map<Kind, Fault> faults = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    private FaultyUpstream(int targetPort) throws Exception {
        this.targetPort = targetPort;
        this.client = vertx.createHttpClient(new HttpClientOptions().setDecompressionSupported(false));
        this.server = vertx.createHttpServer().requestHandler(this::handle);
        server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    /** A proxy in front of the registry on {@code 127.0.0.1:targetPort}. */
    static FaultyUpstream inFrontOf(int targetPort) throws Exception {
        return new FaultyUpstream(targetPort);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    void fault(Kind kind, Fault fault) {
        faults.put(kind, fault);
    }

    void heal() {
        faults.clear();
    }

    /** How many requests of {@code method} on {@code kind} came through (faulted ones included). */
    int count(HttpMethod method, Kind kind) {
        AtomicInteger n = counts.get(method.name() + " " + kind);
        return n == null ? 0 : n.get();
    }

    void resetCounts() {
        counts.clear();
    }

    private static Kind kindOf(String path) {
        if (path.contains("/manifests/")) {
            return Kind.MANIFEST;
        }
        return path.contains("/blobs/") && !path.contains("/blobs/uploads") ? Kind.BLOB : Kind.OTHER;
    }

    private void handle(HttpServerRequest request) {
        Kind kind = kindOf(request.path());
        counts.computeIfAbsent(request.method().name() + " " + kind, k -> new AtomicInteger()).incrementAndGet();
        Fault fault = faults.getOrDefault(kind, Fault.NONE);
        switch (fault) {
            case HANG -> request.pause(); // accepted, never answered
            case UNAVAILABLE -> request.response().setStatusCode(503).putHeader("Content-Type", "application/json")
                    .end("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"injected\"}]}");
            case RATE_LIMITED -> request.response().setStatusCode(429).putHeader("Retry-After", "7")
                    .putHeader("Content-Type", "application/json")
                    .end("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"injected\"}]}");
            default -> forward(request, fault);
        }
    }

    private void forward(HttpServerRequest request, Fault fault) {
        request.pause();
        RequestOptions options = new RequestOptions().setMethod(request.method()).setHost("127.0.0.1").setPort(targetPort)
                .setURI(request.uri());
        request.headers().forEach(h -> {
            if (!h.getKey().equalsIgnoreCase("Host")) {
                options.addHeader(h.getKey(), h.getValue());
            }
        });
        client.request(options).compose(up -> {
            request.resume();
            return up.send(request);
        }).onSuccess(resp -> {
            var out = request.response().setStatusCode(resp.statusCode());
            resp.headers().forEach(h -> out.putHeader(h.getKey(), h.getValue()));
            if (fault == Fault.NONE || request.method() == HttpMethod.HEAD || resp.statusCode() != 200) {
                resp.pipeTo(out);
                return;
            }
            resp.body().onSuccess(body -> send(request, body, fault));
        }).onFailure(err -> request.response().setStatusCode(502).end());
    }

    private void send(HttpServerRequest request, Buffer body, Fault fault) {
        var out = request.response();
        switch (fault) {
            case CUT_BODY -> out.write(body.slice(0, body.length() / 2)).onComplete(v -> request.connection().close());
            case WRONG_BYTES -> {
                byte[] bytes = body.getBytes();
                bytes[bytes.length / 2] ^= 0x5A;
                out.end(Buffer.buffer(bytes));
            }
            case SLOW -> trickle(request, body, 0);
            default -> out.end(body);
        }
    }

    private void trickle(HttpServerRequest request, Buffer body, int from) {
        int to = Math.min(body.length(), from + SLOW_BYTES_PER_TICK);
        if (request.response().closed()) {
            return;
        }
        request.response().write(body.slice(from, to));
        if (to == body.length()) {
            request.response().end();
        } else {
            vertx.setTimer(SLOW_TICK_MILLIS, id -> trickle(request, body, to));
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
