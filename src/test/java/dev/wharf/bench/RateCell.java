package dev.wharf.bench;

import dev.wharf.bench.Workload.Cell;
import dev.wharf.bench.Workload.Metric;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Keeps {@code concurrency} requests in flight for {@code duration} and reports their rate and p50 and p99
 * latency; a request that fails fails the measurement. {@code requests} makes a contender's request source.
 */
record RateCell(String name, int concurrency, Duration duration, Function<Contender, Supplier<Future<?>>> requests)
        implements Cell {
    private static final Duration WARM_UP = Duration.ofSeconds(1);

    @Override
    public List<Metric> metrics() {
        String label = name + ", c=" + concurrency;
        return List.of(Metric.rate(label), Metric.lowerIsBetter(label + " p50", "ms"), Metric.lowerIsBetter(label + " p99", "ms"));
    }

    @Override
    public double[] measure(Contender contender, boolean warmUp) throws Exception {
        Load.Rate rate = Load.forDuration(concurrency, warmUp ? WARM_UP : duration, requests.apply(contender));
        return new double[] {rate.perSecond(), rate.percentileMillis(0.50), rate.percentileMillis(0.99)};
    }
}
