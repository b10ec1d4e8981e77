package dev.wharf.replicas;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.ConnectException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntSupplier;

/**
 * An HTTP/1.1 reverse proxy on a free loopback port that sends each request (not each connection) to the next
 * replica in turn, as a load balancer in front of Wharf replicas does. Bodies stream both ways with back-pressure,
 * never buffered whole; method, path and query, headers (less the hop-by-hop ones; Host becomes the replica's)
 * and status pass through. A replica that refuses the connection (it is dead) is skipped for that request, which
 * goes to the next one; a replica that dies while answering cuts that exchange, as a real balancer would.
 */
final class RoundRobinProxy implements AutoCloseable {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "expect");

    private final Vertx vertx;
    private final HttpClient client;
    private final HttpServer server;
    private final List<IntSupplier> replicaPorts;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLongArray served;
    private final AtomicLongArray refused;

    private RoundRobinProxy(Vertx vertx, HttpClient client, HttpServer server, List<IntSupplier> replicaPorts) {
        this.vertx = vertx;
        this.client = client;
        this.server = server;
        this.replicaPorts = replicaPorts;
        this.served = new AtomicLongArray(replicaPorts.size());
        this.refused = new AtomicLongArray(replicaPorts.size());
    }

    /**
     * Starts the proxy in front of the replicas whose current ports {@code replicaPorts} give (read for every
     * request, so a restarted replica on a new port is found again).
     */
    static RoundRobinProxy start(List<IntSupplier> replicaPorts) throws Exception {
        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000).setKeepAlive(true)
                .setIdleTimeout(30).setIdleTimeoutUnit(TimeUnit.SECONDS), new PoolOptions().setHttp1MaxSize(64));
        // the proxy answers Expect: 100-continue itself and streams the body on once the replica is connected
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHandle100ContinueAutomatically(true));
        RoundRobinProxy proxy = new RoundRobinProxy(vertx, client, server, List.copyOf(replicaPorts));
        server.requestHandler(proxy::forward);
        try {
            server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
        return proxy;
    }

    int port() {
        return server.actualPort();
    }

    /** host:port, as image references name the registry behind the proxy. */
    String host() {
        return "127.0.0.1:" + port();
    }

    /** Requests replica {@code i} answered (its response head reached the proxy, or its body began to flow). */
    long served(int i) {
        return served.get(i);
    }

    /** Requests that replica {@code i} refused the connection for, and that went on to the next replica. */
    long refused(int i) {
        return refused.get(i);
    }

    /** Requests forwarded to each replica, for messages. */
    String counts() {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < served.length(); i++) {
            s.append(i > 0 ? ", " : "").append(served.get(i)).append(refused.get(i) > 0 ? " (refused " + refused.get(i) + ")" : "");
        }
        return s.append("]").toString();
    }

    private void forward(HttpServerRequest in) {
        in.pause();
        int first = Math.floorMod(next.getAndIncrement(), replicaPorts.size());
        attempt(in, first, 0);
    }

    private void attempt(HttpServerRequest in, int replica, int tried) {
        RequestOptions options = new RequestOptions().setMethod(in.method()).setHost("127.0.0.1")
                .setPort(replicaPorts.get(replica).getAsInt()).setURI(in.uri());
        client.request(options).onComplete(connected -> {
            if (connected.failed()) {
                if (isRefused(connected.cause()) && tried + 1 < replicaPorts.size()) {
                    refused.incrementAndGet(replica);
                    attempt(in, (replica + 1) % replicaPorts.size(), tried + 1);
                } else {
                    fail(in, connected.cause());
                }
                return;
            }
            served.incrementAndGet(replica);
            relay(in, connected.result());
        });
    }

    private static boolean isRefused(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || String.valueOf(t.getMessage()).contains("Connection refused")) {
                return true;
            }
        }
        return false;
    }

    private void relay(HttpServerRequest in, HttpClientRequest out) {
        copyHeaders(in.headers(), out.headers());
        String length = in.getHeader(HttpHeaders.CONTENT_LENGTH);
        boolean chunked = "chunked".equalsIgnoreCase(in.getHeader(HttpHeaders.TRANSFER_ENCODING));
        Future<HttpClientResponse> response;
        if (length != null) {
            out.putHeader(HttpHeaders.CONTENT_LENGTH, length);
            response = out.send(in);
        } else if (chunked) {
            out.setChunked(true);
            response = out.send(in);
        } else {
            in.resume();
            response = out.send();
        }
        response.onComplete(answered -> {
            if (answered.failed()) {
                fail(in, answered.cause());
                return;
            }
            HttpClientResponse back = answered.result();
            var reply = in.response().setStatusCode(back.statusCode()).setStatusMessage(back.statusMessage());
            copyHeaders(back.headers(), reply.headers());
            String backLength = back.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (backLength != null) {
                reply.putHeader(HttpHeaders.CONTENT_LENGTH, backLength);
            } else if (in.method() != io.vertx.core.http.HttpMethod.HEAD && back.statusCode() != 204 && back.statusCode() != 304) {
                reply.setChunked(true);
            }
            back.pipeTo(reply).onFailure(cut -> in.connection().close());
        });
    }

    private static void copyHeaders(MultiMap from, MultiMap to) {
        for (var header : from) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !name.equals("content-length")) {
                to.add(header.getKey(), header.getValue());
            }
        }
    }

    /** The replica could not be reached or cut the exchange: 502 if nothing was sent yet, else the connection goes. */
    private static void fail(HttpServerRequest in, Throwable cause) {
        if (!in.response().headWritten()) {
            in.resume();
            in.response().setStatusCode(502).putHeader(HttpHeaders.CONNECTION, "close").end("proxy: " + cause);
        } else {
            in.connection().close();
        }
    }

    @Override
    public void close() {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("proxy did not stop cleanly: " + e);
        }
    }
}
