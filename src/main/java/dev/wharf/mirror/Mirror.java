package dev.wharf.mirror;

import dev.wharf.config.WharfConfig;
import dev.wharf.gc.OnlineGc;
import dev.wharf.registry.Registry;
import dev.wharf.storage.Storage;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pull-through cache of one server, wired together: its upstreams, routing, the pull-through layer over the
 * registry service, and the timers (last-pulled records saved each minute, a summary line of each upstream's
 * counters every five minutes when they moved, eviction).
 */
public final class Mirror {
    private static final Logger LOG = LoggerFactory.getLogger(Mirror.class);
    private static final long SAVE_EVERY_MILLIS = 60_000;
    private static final long SUMMARY_EVERY_MILLIS = 300_000;

    private final Vertx vertx;
    private final List<Upstream> upstreams;
    private final MirrorRoutes routes;
    private final PullThrough pullThrough;
    private final LastPulled pulls;
    private final CacheEviction eviction;
    private final OnlineGc gc;
    private final WharfConfig.Proxy config;
    private final Map<String, String> lastSummary = new ConcurrentHashMap<>();
    private final List<Long> timers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Mirror(Vertx vertx, Registry registry, Storage storage, WharfConfig config, OnlineGc gc) {
        this.vertx = vertx;
        this.config = config.proxy();
        this.gc = gc;
        this.upstreams = config.proxy().all().stream().map(u -> new Upstream(vertx, u)).toList();
        // Routing asks whether a local repository exists for every default-routed read: read the names now.
        storage.repositories().names();
        this.routes = new MirrorRoutes(upstreams, registry::repositoryExists);
        this.pulls = new LastPulled(storage.layout().root().resolve("mirror").resolve("last-pulled.json"));
        this.pullThrough = new PullThrough(registry, new BlobFills(vertx, registry), pulls, config.manifests().maxBytes());
        this.eviction = new CacheEviction(storage, registry, pulls, upstreams, config.gc().gracePeriodDuration());
    }

    /** The cache configured in {@code config}, or null when it names no upstream. */
    public static Mirror create(Vertx vertx, Registry registry, Storage storage, WharfConfig config, OnlineGc gc) {
        if (!config.proxy().enabled()) {
            return null;
        }
        if (storage.isShared()) {
            // fills are read by clients while they grow, from the upload's local file (UploadStore.dataPath)
            throw new IllegalArgumentException("the pull-through cache needs storage.driver: filesystem; the S3 driver "
                    + "keeps no upload in a local file for clients to read while it fills");
        }
        return new Mirror(vertx, registry, storage, config, gc);
    }

    /** Each upstream's hit, miss and stale-serve counters, for the metrics. */
    public List<MirrorStats> stats() {
        return upstreams.stream().map(Upstream::stats).toList();
    }

    public MirrorRoutes routes() {
        return routes;
    }

    public PullThrough pullThrough() {
        return pullThrough;
    }

    public void start() {
        for (Upstream u : upstreams) {
            LOG.info("pull-through cache: {} ({}) at {}, path prefix {}/...{}", u.name(), u.isDefault() ? "default upstream" : "by ns= or prefix",
                    u.config().url(), u.prefix(), u.config().repositories().isEmpty() ? "" : ", repositories " + u.config().repositories());
        }
        timers.add(vertx.setPeriodic(SAVE_EVERY_MILLIS, id -> vertx.executeBlocking(() -> {
            pulls.save();
            return null;
        }, false)));
        timers.add(vertx.setPeriodic(SUMMARY_EVERY_MILLIS, id -> logSummary()));
        long every = config.evictionIntervalDuration().toMillis();
        if (every > 0 && upstreams.stream().anyMatch(u -> !u.maxIdle().isZero() || u.maxBytes() > 0)) {
            timers.add(vertx.setPeriodic(every, id -> evictNow()));
        }
    }

    /** Runs the eviction now, then a garbage collection when anything was evicted. */
    public io.vertx.core.Future<Integer> evictNow() {
        return vertx.executeBlocking(eviction::run, false)
                .compose(n -> n == 0 ? io.vertx.core.Future.succeededFuture(0) : gc.runNow().map(report -> {
                    LOG.info("garbage collection after eviction: {} blob(s) removed, {} bytes freed",
                            report.blobsRemoved().size(), report.bytesFreed());
                    return n;
                }))
                .onFailure(err -> LOG.warn("cache eviction failed", err));
    }

    private void logSummary() {
        for (Upstream u : upstreams) {
            String line = u.stats().toString();
            if (!line.equals(lastSummary.put(u.name(), line))) {
                LOG.info("pull-through cache: {}", line);
            }
        }
    }

    public void stop() {
        timers.forEach(vertx::cancelTimer);
        logSummary();
        pulls.save();
        upstreams.forEach(Upstream::close);
    }
}
