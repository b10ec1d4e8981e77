package dev.wharf.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/** Drives asynchronous operations from a number of concurrent workers, each running its operations one after another. */
final class Load {
    private static final Duration TIMEOUT = Duration.ofSeconds(Long.getLong("bench.timeoutSeconds", 900));

    /** What a rate run measured: requests completed, in how long, and the latency of each. */
    record Rate(long requests, long nanos, long[] latencies) {
        double perSecond() {
            return requests * 1e9 / nanos;
        }

        /** Latency at quantile {@code q} (0..1), in milliseconds. */
        double percentileMillis(double q) {
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
        }
    }

    private Load() {
    }

    /** Runs operation {@code 0..count-1} on {@code workers} workers (operation i on worker i % workers); answers nanoseconds. */
    static long run(int workers, int count, IntFunction<Future<?>> operation) throws Exception {
        long start = System.nanoTime();
        List<Future<?>> chains = new ArrayList<>();
        for (int w = 0; w < Math.min(workers, count); w++) {
            chains.add(chain(w, workers, count, operation));
        }
        await(Future.all(chains));
        return System.nanoTime() - start;
    }

    /** Keeps {@code workers} requests in flight for {@code duration}, recording each one's latency. */
    static Rate forDuration(int workers, Duration duration, Supplier<Future<?>> request) throws Exception {
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        List<Future<?>> loops = new ArrayList<>();
        List<LatencyLog> logs = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            LatencyLog log = new LatencyLog();
            logs.add(log);
            loops.add(loop(deadline, request, log));
        }
        await(Future.all(loops));
        long nanos = System.nanoTime() - start;
        long[] all = logs.stream().flatMapToLong(LatencyLog::stream).toArray();
        return new Rate(all.length, nanos, all);
    }

    /** Operations index, index + step, ... in sequence; a promise rather than nested composes keeps the stack flat. */
    private static Future<Void> chain(int index, int step, int count, IntFunction<Future<?>> operation) {
        Promise<Void> done = Promise.promise();
        next(index, step, count, operation, done);
        return done.future();
    }

    private static void next(int index, int step, int count, IntFunction<Future<?>> operation, Promise<Void> done) {
        if (index >= count) {
            done.complete();
            return;
        }
        operation.apply(index).onComplete(v -> next(index + step, step, count, operation, done), done::fail);
    }

    private static Future<Void> loop(long deadline, Supplier<Future<?>> request, LatencyLog log) {
        Promise<Void> done = Promise.promise();
        again(deadline, request, log, done);
        return done.future();
    }

    private static void again(long deadline, Supplier<Future<?>> request, LatencyLog log, Promise<Void> done) {
        long sent = System.nanoTime();
        if (sent >= deadline) {
            done.complete();
            return;
        }
        request.get().onComplete(v -> {
            log.add(System.nanoTime() - sent);
            again(deadline, request, log, done);
        }, done::fail);
    }

    static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + TIMEOUT, e);
        }
    }

    /** One worker's latencies; only its own callbacks touch it, one after another. */
    private static final class LatencyLog {
        private long[] values = new long[4096];
        private int size;

        void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        java.util.stream.LongStream stream() {
            return Arrays.stream(values, 0, size);
        }
    }
}
