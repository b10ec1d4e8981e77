package dev.wharf.bench;

import dev.wharf.bench.RegistryClient.Flow;
import dev.wharf.bench.Workload.Cell;
import dev.wharf.bench.Workload.Metric;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Blob pushes (three flows) and pulls, for every size and concurrency of the options. */
final class BlobWorkloads {
    static final long MIB = 1024 * 1024;
    /** Warm-up blobs are at most this big: enough to warm every code path without pushing gigabytes. */
    private static final long WARM_UP_MAX_SIZE = 16 * MIB;

    private BlobWorkloads() {
    }

    static Workload push(Flow flow, BenchOptions options) {
        String id = "push-" + flow.name().toLowerCase();
        String repository = "bench/" + id;
        List<Cell> cells = new ArrayList<>();
        for (long sizeMiB : options.sizesMiB()) {
            for (int concurrency : options.concurrencies()) {
                cells.add(new PushCell(flow, repository, sizeMiB * MIB, concurrency, options.volumeMiB() * MIB));
            }
        }
        return Workload.of(id, Workload.Preparation.NONE, cells);
    }

    static Workload pull(BenchOptions options) {
        return new PullWorkload(options);
    }

    /** How many operations a measurement runs: the volume's worth, at least one per worker, a multiple of the workers. */
    static int operations(long size, int concurrency, long volume) {
        long ops = Math.max(concurrency, (volume + size - 1) / size);
        return (int) ((ops + concurrency - 1) / concurrency * concurrency);
    }

    static String label(long size, int concurrency) {
        return size / MIB + " MiB, c=" + concurrency;
    }

    /** Pushes fresh blobs (new content every time), then deletes their bytes from disk so the run fits. */
    private record PushCell(Flow flow, String repository, long size, int concurrency, long volume) implements Cell {
        @Override
        public List<Metric> metrics() {
            // For 1 MiB blobs MiB/s is also blobs/s, so no separate operation rate is reported.
            return List.of(Metric.throughput("push " + flow.name().toLowerCase() + " " + label(size, concurrency), true));
        }

        @Override
        public double[] measure(Contender contender, boolean warmUp) throws Exception {
            long blobSize = warmUp ? Math.min(size, WARM_UP_MAX_SIZE) : size;
            int count = warmUp ? concurrency : operations(blobSize, concurrency, volume);
            List<BlobContent> blobs = BlobContent.random(count, blobSize);
            try {
                long nanos = Load.run(concurrency, count, i -> contender.client().push(flow, repository, blobs.get(i)));
                return new double[] {count * (double) blobSize / MIB / (nanos / 1e9)};
            } finally {
                contender.reclaim(blobs);
            }
        }
    }

    /** Pushes one blob per size on each registry, then downloads it again and again. */
    private static final class PullWorkload implements Workload {
        private static final String REPOSITORY = "bench/pull";
        private final BenchOptions options;
        private final Map<String, Map<Long, BlobContent>> blobs = new HashMap<>();

        PullWorkload(BenchOptions options) {
            this.options = options;
        }

        @Override
        public String id() {
            return "pull";
        }

        @Override
        public void prepare(Contender contender) throws Exception {
            Map<Long, BlobContent> bySize = new HashMap<>();
            for (long sizeMiB : options.sizesMiB()) {
                BlobContent blob = BlobContent.random(sizeMiB * MIB);
                Load.await(contender.client().push(Flow.MONOLITHIC, REPOSITORY, blob));
                bySize.put(sizeMiB * MIB, blob);
            }
            blobs.put(contender.label(), bySize);
        }

        @Override
        public List<Cell> cells() {
            List<Cell> cells = new ArrayList<>();
            for (long sizeMiB : options.sizesMiB()) {
                for (int concurrency : options.concurrencies()) {
                    cells.add(pullCell(sizeMiB * MIB, concurrency));
                }
            }
            return cells;
        }

        private Cell pullCell(long size, int concurrency) {
            long volume = options.volumeMiB() * MIB;
            return new Cell() {
                @Override
                public List<Metric> metrics() {
                    return List.of(Metric.throughput("pull " + label(size, concurrency), false));
                }

                @Override
                public double[] measure(Contender contender, boolean warmUp) throws Exception {
                    BlobContent blob = blobs.get(contender.label()).get(size);
                    int count = warmUp ? concurrency : operations(size, concurrency, volume);
                    long nanos = Load.run(concurrency, count, i -> contender.client().pull(REPOSITORY, blob, warmUp));
                    return new double[] {count * (double) size / MIB / (nanos / 1e9)};
                }
            };
        }
    }
}
