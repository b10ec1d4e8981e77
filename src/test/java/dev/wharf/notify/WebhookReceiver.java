package dev.wharf.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * The receiving end of the webhooks in a test: a Vert.x HTTP server on a free loopback port that records every
 * request it gets and answers each with the status {@link #answer} chooses for it, or holds it unanswered while
 * {@link #stall stalled}.
 */
final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What {@link #answer}'s function returns to leave a request unanswered until {@link #release}. */
    static final int STALL = -1;

    /** One request as it arrived: its headers (names in lower case), its exact body, what it was answered. */
    record Request(Map<String, String> headers, byte[] body, int status) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<HttpServerRequest> held = new ArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile IntUnaryOperator answer = n -> 200;

    private WebhookReceiver() {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)).requestHandler(this::received);
        try {
            server.listen().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("the receiver did not start", e);
        }
    }

    static WebhookReceiver start() {
        return new WebhookReceiver();
    }

    /** Where to send: {@code http://127.0.0.1:<port><path>}. */
    String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    /** From now on, the status for the request numbered {@code n} (from 0, counting every request). */
    WebhookReceiver answer(IntUnaryOperator statusOfRequest) {
        this.answer = statusOfRequest;
        return this;
    }

    /** Leaves every request from now on unanswered, until {@link #release}. */
    WebhookReceiver stall() {
        return answer(n -> STALL);
    }

    /** Answers every held request 200, and every later one too. */
    void release() {
        answer(n -> 200);
        vertx.runOnContext(v -> {
            synchronized (held) {
                for (HttpServerRequest request : held) {
                    request.response().setStatusCode(200).end();
                }
                held.clear();
            }
        });
    }

    private void received(HttpServerRequest request) {
        int n = count.getAndIncrement();
        request.body().onSuccess(body -> {
            int status = answer.applyAsInt(n);
            Map<String, String> headers = new TreeMap<>();
            request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
            requests.add(new Request(headers, body.getBytes(), status));
            if (status == STALL) {
                synchronized (held) {
                    held.add(request);
                }
            } else {
                request.response().setStatusCode(status).end();
            }
        });
    }

    /** Every request so far, in the order they arrived. */
    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests answered 2xx: the deliveries. */
    List<Request> delivered() {
        return requests.stream().filter(r -> r.status() / 100 == 2).toList();
    }

    /** Waits for at least {@code n} deliveries and returns them all. */
    List<Request> awaitDelivered(int n) {
        Poll.until(n + " webhook deliveries (have " + delivered().size() + ")", () -> delivered().size() >= n);
        return delivered();
    }

    /** Waits for at least {@code n} requests, answered or not. */
    List<Request> awaitRequests(int n) {
        Poll.until(n + " webhook requests (have " + requests.size() + ")", () -> requests.size() >= n);
        return requests();
    }

    @Override
    public void close() {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the receiver did not stop", e);
        }
    }
}
