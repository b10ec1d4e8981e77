package dev.wharf.api;

import dev.wharf.config.WharfConfig;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps clients that hold a connection without using it from holding the server: it closes a connection
 * whose first request head is not complete within {@code http.headerTimeout}, one with no request in flight for
 * {@code http.keepAliveTimeout}, cuts a request body that sends nothing for {@code http.bodyTimeout}, and closes
 * a new connection at once while {@code http.maxConnections} are open.
 * <p>
 * Why its own clocks rather than Vert.x's idle timeouts: those measure inactivity of the socket, not the progress
 * of a request, and one value cannot be three limits. A read-idle timeout cuts every download that outlasts it
 * (the client sends nothing while it reads); an all-idle one cuts an upload that the server's own back-pressure
 * holds back (nothing moves either way, through no fault of the client), and a request the server is slow to
 * answer (a large garbage collection). So each connection gets a periodic check on its event loop that compares
 * what it has achieved (a request head arrived, body bytes read, a response finished) with what it has been given
 * time for. Time a request body spends paused by the server is not held against the client; that is what the
 * request wrapper is for.
 * <p>
 * The guard sees a connection when Vert.x hands it over: at accept for plain HTTP/1.1 (with cleartext HTTP/2 off),
 * after the TLS handshake (bounded by Vert.x's handshake timeout) for HTTPS, after the client's SETTINGS for HTTP/2.
 */
public final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    /** At most one warning about refused connections per this long, however many there are. */
    private static final long REFUSAL_WARNING_EVERY = TimeUnit.SECONDS.toNanos(10);
    /** RST_STREAM code CANCEL: how an HTTP/2 stream whose body stalled is ended without ending its neighbours. */
    private static final long CANCEL = 0x8;

    private final Vertx vertx;
    private final long headerNanos;
    private final long keepAliveNanos;
    private final long bodyNanos;
    private final int maxConnections;
    private final long tickMillis;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refusedUnreported = new AtomicLong();
    private final AtomicLong nextRefusalWarning = new AtomicLong(System.nanoTime());
    private final Map<HttpConnection, Watch> watches = new ConcurrentHashMap<>();

    public ConnectionGuard(Vertx vertx, WharfConfig.Http http) {
        this.vertx = vertx;
        this.headerNanos = http.headerTimeoutDuration().toNanos();
        this.keepAliveNanos = http.keepAliveTimeoutDuration().toNanos();
        this.bodyNanos = http.bodyTimeoutDuration().toNanos();
        this.maxConnections = http.maxConnections();
        // A tenth of the shortest limit, so a limit is enforced at most ~10% late, but between 50 ms and 1 s.
        long shortest = Long.MAX_VALUE;
        for (long limit : new long[]{headerNanos, keepAliveNanos, bodyNanos}) {
            if (limit > 0) {
                shortest = Math.min(shortest, limit);
            }
        }
        this.tickMillis = shortest == Long.MAX_VALUE ? 0
                : Math.max(50, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(shortest) / 10));
    }

    /** Connections open now (counted against {@code http.maxConnections}). */
    public int openConnections() {
        return open.get();
    }

    /** For {@code HttpServer.connectionHandler}: counts the connection, refuses it beyond the cap, starts its clock. */
    public void connected(HttpConnection connection) {
        if (open.incrementAndGet() > maxConnections && maxConnections > 0) {
            open.decrementAndGet();
            refuse(connection);
            return;
        }
        Watch watch = new Watch(connection);
        watches.put(connection, watch);
        connection.closeHandler(v -> {
            watches.remove(connection);
            watch.stop();
            open.decrementAndGet();
        });
        if (tickMillis > 0) {
            watch.start(vertx.setPeriodic(tickMillis, id -> watch.check()));
        }
    }

    /** Wraps the server's request handler: each request is watched until its response is finished. */
    public Handler<HttpServerRequest> watching(Handler<HttpServerRequest> next) {
        return request -> {
            Watch watch = watches.get(request.connection());
            if (watch == null) {
                next.handle(request);
                return;
            }
            // bodyEndHandler rather than endHandler, which Vert.x Web takes for its own end handlers; for a file
            // sent with sendFile it fires once the file is out, not when sending starts (ended() is true by then).
            if (!Http.carriesBody(request.method())) {
                // A read (the hot path: manifest and tag reads at tens of thousands a second) is only counted.
                // Wrapping and listing each one measured 30-40% off their rate; a read has no body to time.
                watch.readStarted();
                request.response().bodyEndHandler(v -> watch.readDone());
                next.handle(request);
                return;
            }
            Watched watched = new Watched((HttpServerRequestInternal) request);
            watch.begin(watched);
            request.response().bodyEndHandler(v -> {
                watched.responded();
                watch.settle(watched);
            });
            next.handle(watched);
        };
    }

    private void refuse(HttpConnection connection) {
        connection.close();
        refusedUnreported.incrementAndGet();
        long now = System.nanoTime();
        long due = nextRefusalWarning.get();
        if (now - due >= 0 && nextRefusalWarning.compareAndSet(due, now + REFUSAL_WARNING_EVERY)) {
            LOG.warn("refused {} connection(s) since the last such warning, the latest from {}: {} are open, as many as "
                    + "http.maxConnections allows", refusedUnreported.getAndSet(0), connection.remoteAddress(), maxConnections);
        }
    }

    /** One connection's clock. Its methods run on the connection's event loop; synchronized in case they do not. */
    private final class Watch {
        private final HttpConnection connection;
        private final List<Tracked> inFlight = new ArrayList<>(1);
        private long idleSince = System.nanoTime();
        private boolean served;
        private boolean closing;
        private long timer = -1;

        Watch(HttpConnection connection) {
            this.connection = connection;
        }

        synchronized void start(long timer) {
            this.timer = timer;
        }

        synchronized void stop() {
            closing = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }

        /**
         * Reads in flight, counted rather than listed. Only touched on the connection's event loop (its handlers and
         * its timer run there), so a plain field. A read whose response never ends (its stream reset) keeps the
         * connection from counting as idle, which only spares it the keep-alive timeout.
         */
        private int reads;

        void readStarted() {
            served = true;
            reads++;
        }

        void readDone() {
            if (--reads == 0) {
                synchronized (this) {
                    if (inFlight.isEmpty()) {
                        idleSince = System.nanoTime();
                    }
                }
            }
        }

        synchronized void begin(Tracked request) {
            served = true;
            inFlight.add(request);
        }

        /**
         * Forgets a request as soon as it is finished, rather than at the next check: at tens of thousands of
         * requests a second, a second's worth of finished requests (each holding its response) is heap the
         * server needs.
         */
        synchronized void settle(Tracked request) {
            if (request.finished() && inFlight.remove(request) && inFlight.isEmpty()) {
                idleSince = System.nanoTime();
            }
        }

        synchronized void check() {
            if (closing) {
                return;
            }
            long now = System.nanoTime();
            if (!inFlight.isEmpty()) {
                inFlight.removeIf(Tracked::finished);
                if (inFlight.isEmpty()) {
                    idleSince = now;
                }
            }
            if (inFlight.isEmpty() && reads == 0) {
                long limit = served ? keepAliveNanos : headerNanos;
                if (limit > 0 && now - idleSince >= limit) {
                    LOG.debug("closing the connection from {}: {}", connection.remoteAddress(), served
                            ? "no next request within http.keepAliveTimeout" : "no complete request head within http.headerTimeout");
                    close();
                }
                return;
            }
            if (bodyNanos <= 0) {
                return;
            }
            for (Tracked tracked : inFlight) {
                if (tracked instanceof Watched request && request.stalledNanos(now) >= bodyNanos) {
                    cut(request);
                    if (closing) {
                        return;
                    }
                }
            }
        }

        private void cut(Watched request) {
            LOG.info("cutting {} {} from {}: its body sent nothing for http.bodyTimeout ({} bytes read)", request.method(),
                    request.path(), connection.remoteAddress(), request.bytesRead());
            request.cut = true;
            if (request.version() == HttpVersion.HTTP_2) {
                // One stream of many: reset it alone.
                request.response().reset(CANCEL);
            } else {
                close();
            }
        }

        private void close() {
            closing = true;
            connection.close();
        }
    }

    /** A request in flight on a connection, until its response is out. */
    private interface Tracked {
        /** Its response's body is out. */
        void responded();

        /** Done with: the body is in, and the response is out (or the stream or connection is gone). */
        boolean finished();
    }

    /**
     * A request with a body, as the handlers see it, noting when they pause and resume its body, so that the body timeout
     * counts only the time the server wanted bytes. Extends Vert.x's delegating wrapper, the one its docs point
     * to for this, because Vert.x Web requires its internal request type.
     */
    private static final class Watched extends HttpServerRequestWrapper implements Tracked {
        private volatile boolean responded;
        volatile boolean cut;
        private boolean paused;
        private long pausedSince;
        private long pausedNanos;
        private long lastBytes;
        private long progressAt = System.nanoTime();
        private long pausedAtProgress;

        Watched(HttpServerRequestInternal delegate) {
            super(delegate);
        }

        @Override
        public HttpServerRequest pause() {
            synchronized (this) {
                if (!paused) {
                    paused = true;
                    pausedSince = System.nanoTime();
                }
            }
            delegate.pause();
            return this;
        }

        @Override
        public HttpServerRequest resume() {
            wantsBytes();
            delegate.resume();
            return this;
        }

        @Override
        public HttpServerRequest fetch(long amount) {
            if (amount > 0) {
                wantsBytes();
            }
            delegate.fetch(amount);
            return this;
        }

        private synchronized void wantsBytes() {
            if (paused) {
                paused = false;
                pausedNanos += System.nanoTime() - pausedSince;
            }
        }

        @Override
        public void responded() {
            responded = true;
        }

        @Override
        public boolean finished() {
            HttpServerResponse response = delegate.response();
            return cut || response.closed() || (responded && delegate.isEnded());
        }

        /** How long the body has sent nothing while the server was ready to read it. */
        synchronized long stalledNanos(long now) {
            if (cut || delegate.isEnded()) {
                return 0;
            }
            long pausedTotal = pausedNanos + (paused ? now - pausedSince : 0);
            long bytes = delegate.bytesRead();
            if (bytes != lastBytes) {
                lastBytes = bytes;
                progressAt = now;
                pausedAtProgress = pausedTotal;
                return 0;
            }
            return (now - progressAt) - (pausedTotal - pausedAtProgress);
        }
    }
}
