package dev.wharf.observability;

import dev.wharf.gc.GcReport;
import dev.wharf.integrity.UsageReport;
import dev.wharf.mirror.MirrorStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wharf's meters in one Micrometer registry, scraped in Prometheus' text format. Requests are counted by route
 * kind ({@code manifest}, {@code blob}, {@code upload}, ...), never by path: a path holds repository names and
 * digests, whose number has no bound.
 */
public final class Metrics {
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger uploadsInProgress = new AtomicInteger();
    private final AtomicReference<UsageReport> usage = new AtomicReference<>();
    private final AtomicReference<Double> lastGcEpochSeconds = new AtomicReference<>(0.0);

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder("wharf.uploads.in.progress", uploadsInProgress, AtomicInteger::get)
                .description("Upload requests (a chunk or a whole blob) whose body is being received").register(registry);
        storageGauge("wharf.storage.blobs", "Blobs stored", UsageReport::blobs, null);
        storageGauge("wharf.storage.physical", "Bytes the stored blobs take, each once", UsageReport::physicalBytes, "bytes");
        storageGauge("wharf.storage.logical", "Bytes the repositories hold, counting a shared blob in each", UsageReport::logicalBytes,
                "bytes");
        storageGauge("wharf.storage.dedup.ratio", "Logical over physical bytes", UsageReport::dedupRatio, null);
        storageGauge("wharf.storage.repositories", "Repositories", UsageReport::repositories, null);
        Gauge.builder("wharf.gc.last.run", lastGcEpochSeconds, AtomicReference::get).baseUnit("timestamp.seconds")
                .description("When the last garbage collection finished (Unix time; 0: none yet)").register(registry);
    }

    private void storageGauge(String name, String description, java.util.function.ToDoubleFunction<UsageReport> value, String unit) {
        Gauge.builder(name, usage, u -> u.get() == null ? Double.NaN : value.applyAsDouble(u.get()))
                .description(description + " (measured every observability.usageInterval)").baseUnit(unit).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** The meters of one route kind, method and status, looked up once: a request then costs no registry lookup. */
    private record RequestMeters(Counter requests, Timer duration, Counter received, Counter sent, Counter authFailures) {
    }

    private final java.util.concurrent.ConcurrentHashMap<String, RequestMeters> requestMeters = new java.util.concurrent.ConcurrentHashMap<>();

    private RequestMeters meters(String route, String method, int status) {
        return requestMeters.computeIfAbsent(route + ' ' + method + ' ' + status, k -> {
            String code = Integer.toString(status);
            return new RequestMeters(
                    Counter.builder("wharf.http.requests").description("HTTP requests by route kind, method and status")
                            .tags("route", route, "method", method, "status", code).register(registry),
                    Timer.builder("wharf.http.request.duration").description("Time from a request's arrival to its response's end")
                            .tags("route", route, "method", method).serviceLevelObjectives(LATENCY_BUCKETS).register(registry),
                    Counter.builder("wharf.http.received").baseUnit("bytes").description("Request body bytes received")
                            .tags("route", route).register(registry),
                    Counter.builder("wharf.http.sent").baseUnit("bytes").description("Response bytes sent")
                            .tags("route", route).register(registry),
                    status == 401 || status == 403
                            ? Counter.builder("wharf.auth.failures").description("Requests refused for missing or insufficient credentials")
                            .tags("status", code).register(registry)
                            : null);
        });
    }

    /** One finished request. */
    void request(String route, String method, int status, long nanos, long bytesIn, long bytesOut) {
        RequestMeters m = meters(route, method, status);
        m.requests().increment();
        m.duration().record(nanos, TimeUnit.NANOSECONDS);
        if (bytesIn > 0) {
            m.received().increment(bytesIn);
        }
        if (bytesOut > 0) {
            m.sent().increment(bytesOut);
        }
        if (m.authFailures() != null) {
            m.authFailures().increment();
        }
    }

    AtomicInteger uploadsInProgress() {
        return uploadsInProgress;
    }

    /** The figures of the last measurement of the store (the {@code du} report). */
    public void storageMeasured(UsageReport report) {
        usage.set(report);
    }

    /** One garbage collection that ran (not a dry run). */
    public void gcRan(GcReport report) {
        if (report.dryRun()) {
            return;
        }
        Counter.builder("wharf.gc.runs").description("Garbage collections run").register(registry).increment();
        Counter.builder("wharf.gc.freed.blobs").description("Blobs removed by garbage collection").register(registry)
                .increment(report.blobsRemoved().size());
        Counter.builder("wharf.gc.freed").baseUnit("bytes").description("Bytes freed by garbage collection").register(registry)
                .increment(report.bytesFreed());
        Timer.builder("wharf.gc.duration").description("How long garbage collections took").register(registry)
                .record(report.durationMillis(), TimeUnit.MILLISECONDS);
        lastGcEpochSeconds.set(System.currentTimeMillis() / 1000.0);
    }

    /** The pull-through cache's counters, per upstream, read at each scrape. */
    public void watchCache(List<MirrorStats> upstreams) {
        for (MirrorStats stats : upstreams) {
            cacheCounter(stats, "hits", "wharf.cache.hits", "Pulls served from the cache", null);
            cacheCounter(stats, "misses", "wharf.cache.misses", "Pulls fetched from the upstream", null);
            cacheCounter(stats, "staleServes", "wharf.cache.stale.serves", "Cached tags served because the upstream could not be asked", null);
            cacheCounter(stats, "revalidations", "wharf.cache.revalidations", "Cached tags checked with the upstream", null);
            cacheCounter(stats, "upstreamErrors", "wharf.cache.upstream.errors", "Upstream requests that failed", null);
            cacheCounter(stats, "bytesFetched", "wharf.cache.fetched", "Bytes fetched from the upstream", "bytes");
            cacheCounter(stats, "evictions", "wharf.cache.evictions", "Cached images evicted", null);
        }
    }

    private void cacheCounter(MirrorStats stats, String key, String name, String description, String unit) {
        FunctionCounter.builder(name, stats, s -> s.snapshot().get(key)).description(description).baseUnit(unit)
                .tags("upstream", stats.upstream()).register(registry);
    }
}
