package dev.wharf.bench;

import dev.wharf.bench.Workload.Cell;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Manifest PUTs per second. Every PUT is a new image manifest (its annotation carries a serial number) under a
 * new tag, so no registry can answer one as a no-op: each stores a manifest, links it and writes a tag. The config
 * and layer they reference are pushed once beforehand, into one repository per cell.
 */
final class ManifestPuts {
    static final List<Integer> CONCURRENCIES = List.of(1, 8);

    private ManifestPuts() {
    }

    static Workload workload(BenchOptions options) {
        SampleImage image = SampleImage.create();
        AtomicLong serial = new AtomicLong();
        Workload.Preparation prepare = contender -> {
            for (int concurrency : CONCURRENCIES) {
                Load.await(image.pushBlobs(contender.client(), repository(concurrency)));
            }
        };
        List<Cell> cells = CONCURRENCIES.stream().<Cell>map(concurrency -> new RateCell("manifest PUT (new tag, new content)",
                concurrency, options.rateDuration(), contender -> () -> {
                    long n = serial.incrementAndGet();
                    return contender.client().putManifest(repository(concurrency), "p" + n, image.variant(n));
                })).toList();
        return Workload.of("manifest-put", prepare, cells);
    }

    private static String repository(int concurrency) {
        return "bench/manifest-put-c" + concurrency;
    }
}
