package dev.wharf.observability;

import dev.wharf.storage.Storage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /livez}: the process serves requests. {@code /readyz}: it should get traffic: not shutting down, and the
 * store takes a write (a small file in the root's {@code tmp/}, or an object in the bucket). The store is probed at
 * most once per {@link #PROBE_EVERY_MILLIS} whatever the probe rate, on a worker thread. The pull-through cache's
 * upstreams are not a condition: a cache whose upstream is down still serves what it holds, which is its point.
 * Both answer outside {@code /v2/} and never ask for credentials.
 */
public final class Health {
    static final long PROBE_EVERY_MILLIS = 2_000;

    /** One look at the store: when, and what went wrong (null: nothing). */
    private record Probe(long atMillis, String failure) {
    }

    private final Vertx vertx;
    private final Storage storage;
    private volatile boolean draining;
    private volatile Probe last = new Probe(0, "not probed yet");
    private Future<Probe> running;

    public Health(Vertx vertx, Storage storage) {
        this.vertx = vertx;
        this.storage = storage;
    }

    public void mount(Router root) {
        root.get("/livez").handler(ctx -> send(ctx, 200, new JsonObject().put("status", "alive")));
        root.get("/readyz").handler(this::ready);
    }

    /** From now on, not ready: the first step of a graceful stop, before the listeners stop taking connections. */
    public void drain() {
        draining = true;
    }

    private void ready(RoutingContext ctx) {
        if (draining) {
            send(ctx, 503, new JsonObject().put("status", "draining"));
            return;
        }
        probe().onComplete(ar -> {
            Probe p = ar.succeeded() ? ar.result() : new Probe(System.currentTimeMillis(), String.valueOf(ar.cause()));
            JsonObject checks = new JsonObject().put("storage", p.failure() == null ? "ok" : p.failure());
            boolean ok = p.failure() == null && !draining;
            send(ctx, ok ? 200 : 503, new JsonObject().put("status", ok ? "ready" : draining ? "draining" : "not ready")
                    .put("checks", checks));
        });
    }

    /**
     * The last probe while it is fresh, else a new one (one at a time). A finished probe is never handed out again
     * once stale: its completion may even run before {@code running} is assigned (a failure comes back at once).
     */
    private synchronized Future<Probe> probe() {
        Probe p = last;
        if (System.currentTimeMillis() - p.atMillis() < PROBE_EVERY_MILLIS) {
            return Future.succeededFuture(p);
        }
        if (running == null || running.isComplete()) {
            running = vertx.executeBlocking(() -> {
                String failure = null;
                try {
                    storage.checkWritable();
                } catch (Exception e) {
                    failure = "cannot write to " + storage.location() + ": " + e;
                }
                return new Probe(System.currentTimeMillis(), failure);
            }, false).onSuccess(result -> last = result);
        }
        return running;
    }

    private static void send(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store").end(body.encode());
    }
}
