package dev.wharf.bench;

import dev.wharf.bench.RegistryClient.Flow;
import dev.wharf.bench.Workload.Cell;
import dev.wharf.bench.Workload.Metric;

import java.util.List;

/**
 * Peak RSS of a registry while several big blobs (4 x 1 GiB by default) are pushed at once. The blobs are
 * generated while they are sent, so the client holds none of them; the same blobs go to every registry.
 */
final class MemoryWorkload implements Workload {
    private final long size;
    private final int count;
    private List<BlobContent> blobs;

    MemoryWorkload(BenchOptions options) {
        this.size = options.bigBlobMiB() * BlobWorkloads.MIB;
        this.count = options.bigBlobCount();
    }

    @Override
    public String id() {
        return "memory";
    }

    @Override
    public void prepare(Contender contender) {
        if (blobs == null) {
            blobs = BlobContent.random(count, size);
        }
    }

    @Override
    public List<Cell> cells() {
        String name = "push " + count + " x " + size / BlobWorkloads.MIB + " MiB at once";
        return List.of(new Cell() {
            @Override
            public List<Metric> metrics() {
                return List.of(Metric.lowerIsBetter("peak RSS during " + name, "MiB"), Metric.throughput(name, false));
            }

            @Override
            public double[] measure(Contender contender, boolean warmUp) throws Exception {
                contender.server().resetPeakRss();
                try {
                    long nanos = Load.run(count, count, i -> contender.client().push(Flow.MONOLITHIC, "bench/memory", blobs.get(i)));
                    return new double[] {contender.server().peakRssKiB() / 1024.0, count * (double) size / BlobWorkloads.MIB / (nanos / 1e9)};
                } finally {
                    contender.reclaim(blobs);
                }
            }

            @Override
            public boolean once() {
                return true;
            }
        });
    }
}
