package dev.wharf;

import dev.wharf.api.AccessCheck;
import dev.wharf.api.RegistryApi;
import dev.wharf.config.WharfConfig;
import dev.wharf.gc.GarbageCollector;
import dev.wharf.gc.OnlineGc;
import dev.wharf.storage.Storage;
import dev.wharf.storage.StorageLayout;
import dev.wharf.storage.StorageLock;
import dev.wharf.storage.WriteChannels;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A running registry: the Vert.x instance, the storage root and the HTTP server, started and stopped as one. */
public final class WharfServer {
    private static final Logger LOG = LoggerFactory.getLogger(WharfServer.class);

    private final WharfConfig config;
    private final Vertx vertx;
    private final StorageLock lock;
    private final Storage storage;
    private final OnlineGc gc;
    private HttpServer server;
    private long purgeTimer = -1;

    public WharfServer(WharfConfig config) throws IOException {
        this(config, WriteChannels.DIRECT);
    }

    /**
     * A server whose storage opens upload files through {@code channels} (a test seam for I/O faults).
     * Throws {@link dev.wharf.storage.StorageLockedException} when another process owns the storage root.
     */
    public WharfServer(WharfConfig config, WriteChannels channels) throws IOException {
        this.config = config;
        OnlineGc.checkSettings(config.gc());
        this.lock = StorageLock.acquire(new StorageLayout(config.storage().rootPath()), "serve");
        try {
            this.storage = new Storage(config.storage(), channels);
            storage.removeTemporaryFiles();
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        this.vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(config.http().eventLoopCount())
                .setWorkerPoolSize(Math.max(20, 4 * Runtime.getRuntime().availableProcessors())));
        this.gc = new OnlineGc(vertx, new GarbageCollector(storage), config.gc());
    }

    public Future<WharfServer> start() {
        RegistryApi api = new RegistryApi(vertx, storage, config, AccessCheck.ALLOW_ALL);
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.http().host())
                .setPort(config.http().port())
                .setHandle100ContinueAutomatically(true)
                .setCompressionSupported(false)
                .setTcpNoDelay(true)
                .setMaxInitialLineLength(16 * 1024);
        server = vertx.createHttpServer(options).requestHandler(api.router(vertx, List.of(), gc::mount));
        schedulePurge();
        gc.schedule();
        return server.listen().map(s -> {
            LOG.info("Wharf {} listening on http://{}:{} with storage at {}",
                    Version.current(), config.http().host(), s.actualPort(), storage.layout().root());
            return this;
        });
    }

    public int port() {
        return server.actualPort();
    }

    public Storage storage() {
        return storage;
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
        gc.stop();
        long timeout = config.http().shutdownTimeoutDuration().toMillis();
        try {
            if (server != null) {
                server.shutdown(timeout, TimeUnit.MILLISECONDS).await(timeout + 1000, TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            LOG.warn("graceful shutdown did not complete: {}", e.toString());
        }
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("stopping Vert.x failed: {}", e.toString());
        }
        storage.close();
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("releasing the storage lock failed: {}", e.toString());
        }
    }
}
