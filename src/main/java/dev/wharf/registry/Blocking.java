package dev.wharf.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.Callable;

/**
 * Runs store work where it belongs: on a Vert.x worker thread, since the stores block, unless the caller knows
 * the answer is in memory. Either way the failure comes back through {@link Failures}, so every future the
 * service returns carries a client-facing error.
 */
final class Blocking {
    private final Vertx vertx;

    Blocking(Vertx vertx) {
        this.vertx = vertx;
    }

    <T> Future<T> run(Callable<T> work) {
        return vertx.executeBlocking(work, false).recover(Blocking::translated);
    }

    /** Runs {@code work} right here when {@code fromMemory} (it cannot block), else on a worker thread. */
    <T> Future<T> run(boolean fromMemory, Callable<T> work) {
        if (!fromMemory) {
            return run(work);
        }
        try {
            return Future.succeededFuture(work.call());
        } catch (Exception e) {
            return translated(e);
        }
    }

    static <T> Future<T> translated(Throwable failure) {
        return Future.failedFuture(Failures.forClient(failure));
    }
}
