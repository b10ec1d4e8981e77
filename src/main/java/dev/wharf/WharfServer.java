package dev.wharf;

import dev.wharf.api.AccessCheck;
import dev.wharf.api.ConnectionGuard;
import dev.wharf.api.RegistryApi;
import dev.wharf.auth.Auth;
import dev.wharf.config.WharfConfig;
import dev.wharf.gc.GarbageCollector;
import dev.wharf.gc.OnlineGc;
import dev.wharf.integrity.DiskUsage;
import dev.wharf.mirror.Mirror;
import dev.wharf.notify.Webhooks;
import dev.wharf.observability.AccessLog;
import dev.wharf.observability.Health;
import dev.wharf.observability.Metrics;
import dev.wharf.observability.RequestObserver;
import dev.wharf.registry.Registry;
import dev.wharf.registry.RegistryEvents;
import dev.wharf.registry.RegistrySettings;
import dev.wharf.storage.Storage;
import dev.wharf.storage.fs.StorageLayout;
import dev.wharf.storage.fs.StorageLock;
import dev.wharf.storage.fs.FileSeams;
import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A running registry: the Vert.x instance, the storage root and the HTTP server, started and stopped as one. */
public final class WharfServer {
    private static final Logger LOG = LoggerFactory.getLogger(WharfServer.class);

    private final WharfConfig config;
    private final Vertx vertx;
    private final StorageLock lock;
    private final Storage storage;
    private final Auth auth;
    private final OnlineGc gc;
    /** One per event loop, all on one port. */
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private long purgeTimer = -1;
    private final Registry registry;
    /** The pull-through cache, or null without upstreams. */
    private final Mirror mirror;
    /** Null when {@code observability.metrics} is off. */
    private final Metrics metrics;
    /** The webhook dispatcher; null without {@code notifications.endpoints}. */
    private final Webhooks webhooks;
    /** Null without {@code observability.accessLog}. */
    private final AccessLog accessLog;
    private final Health health;
    private long usageTimer = -1;
    /** The listener of {@code observability.metricsAddress}, if set. */
    private HttpServer metricsServer;

    public WharfServer(WharfConfig config) throws IOException {
        this(config, FileSeams.DIRECT);
    }

    /**
     * A server whose storage meets the disk through {@code seams} (a test seam for I/O faults).
     * Throws {@link dev.wharf.storage.fs.StorageLockedException} when another process owns the storage root.
     */
    public WharfServer(WharfConfig config, FileSeams seams) throws IOException {
        this.config = config;
        OnlineGc.checkSettings(config.gc());
        this.lock = StorageLock.acquire(new StorageLayout(config.storage().rootPath()), "serve");
        try {
            this.storage = new Storage(config.storage(), seams, config.uploads().expiryDuration());
            storage.removeTemporaryFiles();
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        this.vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(config.http().eventLoopCount())
                .setWorkerPoolSize(Math.max(20, 4 * Runtime.getRuntime().availableProcessors())));
        this.auth = config.auth().enabled() ? createAuth() : null;
        this.gc = new OnlineGc(vertx, new GarbageCollector(storage), config.gc());
        this.metrics = config.observability().metrics() ? new Metrics() : null;
        this.webhooks = createWebhooks();
        this.registry = new Registry(vertx, storage, RegistrySettings.from(config), webhooks != null ? webhooks : RegistryEvents.NONE);
        this.mirror = createMirror();
        this.health = new Health(vertx, storage);
        if (metrics != null) {
            gc.onRun(metrics::gcRan);
            if (mirror != null) {
                metrics.watchCache(mirror.stats());
            }
        }
        this.accessLog = openAccessLog();
    }

    private AccessLog openAccessLog() {
        String target = config.observability().accessLog();
        if (target.isEmpty()) {
            return null;
        }
        try {
            return AccessLog.open(target);
        } catch (IOException | RuntimeException e) {
            closeVertxAndStorage();
            throw new IllegalArgumentException("cannot open observability.accessLog " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * The webhook dispatcher, or null without endpoints; a secret file that cannot be read or a bad repository
     * pattern stops the start. Its counters go to the metrics' registry; with metrics off, to Micrometer's global
     * registry, which records nothing unless something adds a registry to it.
     */
    private Webhooks createWebhooks() {
        try {
            return Webhooks.create(vertx, config, metrics != null ? metrics.registry() : io.micrometer.core.instrument.Metrics.globalRegistry);
        } catch (RuntimeException e) {
            closeVertxAndStorage();
            throw new IllegalArgumentException("cannot set up the webhooks: " + e.getMessage(), e);
        }
    }

    /** Sets up the upstreams now, so that a mistake there (a bad prefix, an unreadable password file) stops the start. */
    private Mirror createMirror() {
        try {
            return Mirror.create(vertx, registry, storage, config, gc);
        } catch (RuntimeException e) {
            closeVertxAndStorage();
            throw new IllegalArgumentException("cannot set up the pull-through cache: " + e.getMessage(), e);
        }
    }

    /** The last steps of a stop, and all of one after a failed start: Vert.x, the stores, the lock. */
    private void closeVertxAndStorage() {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception closing) {
            LOG.warn("stopping Vert.x failed: {}", closing.toString());
        }
        storage.close();
        releaseLock();
    }

    /** Reads the htpasswd file and keys now, so that a mistake there stops the start with a clear message. */
    private Auth createAuth() {
        try {
            Path key = storage.layout().tokenSigningKey();
            WharfConfig.Auth auth = config.auth();
            if (!storage.isShared() || !auth.generatesTokenKey()) {
                return Auth.create(vertx, auth, key);
            }
            // Replicas over one bucket sign with one key, or a token from one is refused by the next.
            boolean pulled = storage.pullTokenKey(key);
            Auth created = Auth.create(vertx, auth, key);
            if (pulled || storage.offerTokenKey(key)) {
                return created;
            }
            return Auth.create(vertx, auth, key); // another replica's key won the race: sign with that one
        } catch (IOException | RuntimeException e) {
            closeVertxAndStorage();
            throw new IllegalArgumentException("cannot set up authentication: " + e.getMessage(), e);
        }
    }

    /**
     * Serves on every event loop: one {@link HttpServer} per loop, all on the same port, so Vert.x hands each new
     * connection to the next loop in turn. One server alone would keep every connection (TLS, HTTP parsing, body
     * copies) on one thread whatever {@code http.eventLoops} says.
     */
    public Future<WharfServer> start() {
        RegistryApi api = new RegistryApi(vertx, registry, config, auth != null ? auth.access() : AccessCheck.ALLOW_ALL, mirror);
        if (mirror != null) {
            mirror.start();
        }
        ConnectionGuard guard = new ConnectionGuard(vertx, config.http());
        // Port 0 (any free port) binds a new port per server in Vert.x; a negative port is its "one free port,
        // shared by every server that names it".
        HttpServerOptions options = serverOptions(config.http().port() == 0 ? -1 : config.http().port());
        int instances = config.http().eventLoopCount();
        schedulePurge();
        scheduleUsage();
        gc.schedule();
        return vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                HttpServer server = vertx.createHttpServer(options).connectionHandler(guard::connected)
                        .requestHandler(guard.watching(router(api)));
                servers.add(server);
                return server.listen();
            }
        }, new DeploymentOptions().setInstances(instances)).compose(id -> startMetricsListener()).map(id -> {
            LOG.info("Wharf {} listening on {}://{}:{} with storage at {} ({} event loops{})", Version.current(),
                    config.tls().enabled() ? "https" : "http", config.http().host(), port(), storage.location(), instances,
                    config.tls().enabled() ? ", TLS by " + tlsEngine(config.tls()) : "");
            return this;
        });
    }

    /** The metrics on a listener of their own, when {@code observability.metricsAddress} names one. */
    private Future<Void> startMetricsListener() {
        String address = config.observability().metricsAddress();
        if (metrics == null || address.isEmpty()) {
            return Future.succeededFuture();
        }
        int colon = address.lastIndexOf(':');
        Router router = Router.router(vertx);
        router.get("/metrics").handler(this::scrape);
        health.mount(router);
        metricsServer = vertx.createHttpServer(new HttpServerOptions().setHost(address.substring(0, colon))
                .setPort(Integer.parseInt(address.substring(colon + 1)))).requestHandler(router);
        return metricsServer.listen().map(s -> {
            LOG.info("metrics on http://{}:{}/metrics", address.substring(0, colon), s.actualPort());
            return null;
        });
    }

    /** The port of {@code observability.metricsAddress}'s listener (the registry's own when it has none). */
    public int metricsPort() {
        return metricsServer != null ? metricsServer.actualPort() : port();
    }

    private void scrape(RoutingContext ctx) {
        vertx.executeBlocking(metrics::scrape, false).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
        });
    }

    /** Measures the store's size and deduplication for the metrics, now and every {@code usageInterval}. */
    private void scheduleUsage() {
        long every = config.observability().usageIntervalDuration().toMillis();
        if (metrics == null || every == 0) {
            return;
        }
        usageTimer = vertx.setPeriodic(0, every, id -> vertx.executeBlocking(
                () -> new DiskUsage(storage).run(0, dev.wharf.storage.Progress.NONE), false)
                .onSuccess(metrics::storageMeasured)
                .onFailure(err -> LOG.warn("measuring the store for the metrics failed: {}", err.toString())));
    }

    private HttpServerOptions serverOptions(int port) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.http().host())
                .setPort(port)
                .setHandle100ContinueAutomatically(true)
                .setCompressionSupported(false)
                .setTcpNoDelay(true)
                .setMaxInitialLineLength(16 * 1024)
                // Body slices as large as a socket read (64 KiB) rather than Netty's 8 KiB: a pushed byte then costs
                // an eighth of the per-slice work (a slice, a copy into its own buffer, a handler call).
                .setMaxChunkSize(64 * 1024)
                // No cleartext HTTP/2 (h2c): no registry client speaks it, and with it on Vert.x hands a plain
                // connection to the connection handler only once its first request head is complete (it must first
                // rule out an h2c preface or upgrade), so the ConnectionGuard could not time that head at all.
                .setHttp2ClearTextEnabled(false);
        WharfConfig.Tls tls = config.tls();
        if (tls.enabled()) {
            // ALPN offers HTTP/2 first and HTTP/1.1 as the fallback (Vert.x's default protocol list).
            options.setSsl(true).setUseAlpn(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert()).setKeyPath(tls.key()));
            if (tlsEngine(tls).equals("openssl")) {
                options.setSslEngineOptions(new OpenSSLEngineOptions());
            }
        }
        return options;
    }

    /** The TLS implementation that {@code tls.engine} comes to here: openssl or jdk. */
    static String tlsEngine(WharfConfig.Tls tls) {
        boolean available = OpenSSLEngineOptions.isAvailable();
        return switch (tls.engine()) {
            case "openssl" -> {
                if (!available) {
                    throw new IllegalArgumentException("tls.engine is openssl, but BoringSSL does not load here ("
                            + OpenSsl.unavailabilityCause() + "); set tls.engine to jdk or auto");
                }
                yield "openssl";
            }
            case "auto" -> available ? "openssl" : "jdk";
            default -> "jdk";
        };
    }

    /**
     * One event loop's router. The root holds what lives outside /v2/ (the token endpoint, the admin endpoint);
     * everything else is the registry API. The handlers behind it (services, stores) are shared by every loop.
     */
    private Router router(RegistryApi api) {
        Router root = Router.router(vertx);
        if (metrics != null || accessLog != null) {
            root.route().handler(new RequestObserver(metrics, accessLog));
        }
        health.mount(root);
        if (metrics != null && config.observability().metricsAddress().isEmpty()) {
            root.get("/metrics").handler(this::scrape);
        }
        List<Handler<RoutingContext>> gates = List.of();
        if (auth != null) {
            auth.mountRoutes(root);
            gates = List.of(auth.gate());
        }
        gc.mount(root, auth != null ? auth.adminGate() : RoutingContext::next);
        root.route("/*").subRouter(api.router(vertx, gates));
        return root;
    }

    public int port() {
        return servers.get(0).actualPort();
    }

    public Storage storage() {
        return storage;
    }

    /** The pull-through cache, or null when no upstream is configured. */
    public Mirror mirror() {
        return mirror;
    }

    public Vertx vertx() {
        return vertx;
    }

    private void schedulePurge() {
        long every = config.uploads().purgeIntervalDuration().toMillis();
        purgeTimer = vertx.setPeriodic(every, every, id -> vertx.executeBlocking(() -> {
            int purged = storage.uploads().purgeAbandoned(config.uploads().expiryDuration());
            if (purged > 0) {
                LOG.info("removed {} abandoned upload(s)", purged);
            }
            return null;
        }, false).onFailure(err -> LOG.warn("purging abandoned uploads failed", err)));
    }

    /** Stops accepting connections, lets requests in flight finish (up to the configured timeout), then stops. */
    public void stop() {
        if (purgeTimer >= 0) {
            vertx.cancelTimer(purgeTimer);
        }
        if (usageTimer >= 0) {
            vertx.cancelTimer(usageTimer);
        }
        gc.stop();
        // not ready first, so that a load balancer stops sending before the listeners stop taking connections
        health.drain();
        long delay = config.observability().drainDelayDuration().toMillis();
        if (delay > 0) {
            LOG.info("stopping: /readyz answers 503 for {} ms before the drain", delay);
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        long timeout = config.http().shutdownTimeoutDuration().toMillis();
        LOG.info("stopping: no new connections, waiting up to {} ms for requests in flight", timeout);
        try {
            // All at once, so the timeout bounds the whole shutdown rather than each loop's share of it.
            Future.join(servers.stream().map(s -> s.shutdown(timeout, TimeUnit.MILLISECONDS)).toList())
                    .await(timeout + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("graceful shutdown did not complete: {}", e.toString());
        }
        stopWebhooks();
        if (mirror != null) {
            mirror.stop();
        }
        closeVertxAndStorage();
        if (accessLog != null) {
            accessLog.close();
        }
        LOG.info("stopped");
    }

    /** After the listeners, so no request publishes any more; what is queued gets a short while to go out. */
    private void stopWebhooks() {
        if (webhooks == null) {
            return;
        }
        java.time.Duration grace = config.http().shutdownTimeoutDuration().compareTo(Webhooks.SHUTDOWN_GRACE) < 0
                ? config.http().shutdownTimeoutDuration() : Webhooks.SHUTDOWN_GRACE;
        try {
            webhooks.close(grace).await(grace.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("stopping the webhooks did not complete: {}", e.toString());
        }
    }

    private void releaseLock() {
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("releasing the storage lock failed: {}", e.toString());
        }
    }
}
