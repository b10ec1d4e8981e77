package dev.wharf.gc;

import dev.wharf.api.ErrorResponses;
import dev.wharf.api.Json;
import dev.wharf.config.WharfConfig;
import dev.wharf.storage.Progress;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Garbage collection inside the running server: on the configured schedule, and on demand through
 * {@code POST /_wharf/gc?dryRun=true&untagged=true}, which answers the run's {@link GcReport} as JSON. Runs
 * on a worker thread; pushes and pulls go on meanwhile.
 */
public final class OnlineGc {
    public static final String PATH = "/_wharf/gc";
    private static final Logger LOG = LoggerFactory.getLogger(OnlineGc.class);

    private final Vertx vertx;
    private final GarbageCollector collector;
    private final WharfConfig.Gc config;
    private long timer = -1;
    /** Told of every run that finished (scheduled, on demand, or the cache's), for the metrics. */
    private volatile java.util.function.Consumer<GcReport> onRun = report -> { };

    public OnlineGc(Vertx vertx, GarbageCollector collector, WharfConfig.Gc config) {
        this.vertx = vertx;
        this.collector = collector;
        this.config = config;
    }

    /**
     * Throws {@link IllegalArgumentException} when a setting is malformed (a duration, a retention policy), so
     * that the server refuses to start rather than failing at its first scheduled run.
     */
    public static void checkSettings(WharfConfig.Gc config) {
        config.intervalDuration();
        GcOptions.from(config, false, false);
    }

    /** Adds the on-demand endpoint to the server's router, behind {@code gate} (admins only, with auth on). */
    public void mount(Router router, Handler<RoutingContext> gate) {
        router.post(PATH).handler(gate).handler(this::onDemand).failureHandler(ErrorResponses::failed);
    }

    public void onRun(java.util.function.Consumer<GcReport> listener) {
        this.onRun = listener;
    }

    /** Starts the schedule, unless the interval is zero. */
    public void schedule() {
        Duration every = config.intervalDuration();
        if (every.isZero()) {
            return;
        }
        timer = vertx.setPeriodic(every.toMillis(), every.toMillis(), id -> run(GcOptions.from(config, false, config.untagged()))
                .onSuccess(r -> LOG.info("garbage collection: {} blob(s) and {} manifest(s) removed, {} bytes freed in {} ms",
                        r.blobsRemoved().size(), r.manifestsRemoved().size(), r.bytesFreed(), r.durationMillis()))
                .onFailure(err -> LOG.warn("scheduled garbage collection failed", err)));
    }

    /** Stops the schedule and makes a run in progress stop soon. */
    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        collector.cancel();
    }

    private void onDemand(RoutingContext ctx) {
        boolean dryRun = flag(ctx, "dryRun", false);
        boolean untagged = flag(ctx, "untagged", config.untagged());
        run(GcOptions.from(config, dryRun, untagged))
                .onSuccess(report -> Json.send(ctx, "application/json", report))
                .onFailure(err -> ErrorResponses.send(ctx, err));
    }

    /** Runs a collection now with the configured settings (the cache's eviction, to reclaim what it evicted). */
    public Future<GcReport> runNow() {
        return run(GcOptions.from(config, false, config.untagged()));
    }

    private Future<GcReport> run(GcOptions options) {
        return vertx.executeBlocking(() -> collector.run(options, Progress.NONE), false).onSuccess(r -> onRun.accept(r));
    }

    private static boolean flag(RoutingContext ctx, String name, boolean otherwise) {
        String value = ctx.request().getParam(name);
        return value == null ? otherwise : value.isEmpty() || Boolean.parseBoolean(value);
    }
}
