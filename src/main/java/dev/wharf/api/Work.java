package dev.wharf.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.Callable;

/** Runs storage work where it belongs: on a worker thread, unless the caller knows it is answered from memory. */
final class Work {
    private Work() {
    }

    static <T> Future<T> run(Vertx vertx, boolean fromMemory, Callable<T> work) {
        if (!fromMemory) {
            return vertx.executeBlocking(work, false);
        }
        try {
            return Future.succeededFuture(work.call());
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
    }
}
