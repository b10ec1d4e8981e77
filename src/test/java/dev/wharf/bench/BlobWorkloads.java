package dev.wharf.bench;

import dev.wharf.bench.RegistryClient.Flow;
import dev.wharf.bench.Workload.Cell;
import dev.wharf.bench.Workload.Metric;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Blob pushes (three flows) and pulls, for every size and concurrency of a grid: over plain HTTP, or over HTTPS
 * on fewer cells. Each figure comes with the server's CPU seconds per GiB moved.
 */
final class BlobWorkloads {
    static final long MIB = 1024 * 1024;
    private static final double GIB = 1024.0 * MIB;
    /** Warm-up blobs are at most this big: enough to warm every code path without pushing gigabytes. */
    private static final long WARM_UP_MAX_SIZE = 16 * MIB;

    /** Which cells a family of blob workloads has, and whether over HTTPS (ids and names then start with "tls"). */
    record Grid(boolean overTls, List<Long> sizesMiB, List<Integer> concurrencies, long volumeMiB) {
        static Grid http(BenchOptions options) {
            return new Grid(false, options.sizesMiB(), options.concurrencies(), options.volumeMiB());
        }

        static Grid tls(BenchOptions options) {
            return new Grid(true, options.tlsSizesMiB(), options.tlsConcurrencies(), options.volumeMiB());
        }

        String id(String workload) {
            return overTls ? "tls-" + workload : workload;
        }

        String name(String metric) {
            return overTls ? "tls " + metric : metric;
        }
    }

    private BlobWorkloads() {
    }

    static Workload push(Flow flow, Grid grid) {
        String id = grid.id("push-" + flow.name().toLowerCase());
        String repository = "bench/" + id;
        List<Cell> cells = new ArrayList<>();
        for (long sizeMiB : grid.sizesMiB()) {
            for (int concurrency : grid.concurrencies()) {
                cells.add(new PushCell(flow, grid, repository, sizeMiB * MIB, concurrency, grid.volumeMiB() * MIB));
            }
        }
        return Workload.of(id, grid.overTls(), Workload.Preparation.NONE, cells);
    }

    static Workload pull(Grid grid) {
        return new PullWorkload(grid);
    }

    /** How many operations a measurement runs: the volume's worth, at least one per worker, a multiple of the workers. */
    static int operations(long size, int concurrency, long volume) {
        long ops = Math.max(concurrency, (volume + size - 1) / size);
        return (int) ((ops + concurrency - 1) / concurrency * concurrency);
    }

    static String label(long size, int concurrency) {
        return size / MIB + " MiB, c=" + concurrency;
    }

    /** MiB/s and the server's CPU seconds per GiB of a timed pass that moved {@code bytes}. */
    private static double[] figures(long bytes, long nanos, Duration serverCpu) {
        return new double[] {bytes / (double) MIB / (nanos / 1e9), serverCpu.toNanos() / 1e9 / (bytes / GIB)};
    }

    /** Pushes fresh blobs (new content every time), then deletes their bytes from disk so the run fits. */
    private record PushCell(Flow flow, Grid grid, String repository, long size, int concurrency, long volume) implements Cell {
        @Override
        public List<Metric> metrics() {
            // For 1 MiB blobs MiB/s is also blobs/s, so no separate operation rate is reported. Only plain HTTP
            // pushes enter the geometric mean, so that it stays comparable with runs without HTTPS.
            String name = grid.name("push " + flow.name().toLowerCase() + " " + label(size, concurrency));
            return List.of(Metric.throughput(name, !grid.overTls()), Metric.cpuPerGiB(name));
        }

        @Override
        public double[] measure(Contender contender, boolean warmUp) throws Exception {
            long blobSize = warmUp ? Math.min(size, WARM_UP_MAX_SIZE) : size;
            int count = warmUp ? concurrency : operations(blobSize, concurrency, volume);
            List<BlobContent> blobs = BlobContent.random(count, blobSize);
            try {
                Duration cpu = contender.server().cpuTime();
                long nanos = Load.run(concurrency, count, i -> contender.client().push(flow, repository, blobs.get(i)));
                return figures(count * blobSize, nanos, contender.server().cpuTime().minus(cpu));
            } finally {
                contender.reclaim(blobs);
            }
        }
    }

    /** Pushes one blob per size on each registry, then downloads it again and again. */
    private static final class PullWorkload implements Workload {
        private final Grid grid;
        private final String repository;
        private final Map<String, Map<Long, BlobContent>> blobs = new HashMap<>();

        PullWorkload(Grid grid) {
            this.grid = grid;
            this.repository = "bench/" + id();
        }

        @Override
        public String id() {
            return grid.id("pull");
        }

        @Override
        public boolean overTls() {
            return grid.overTls();
        }

        @Override
        public void prepare(Contender contender) throws Exception {
            Map<Long, BlobContent> bySize = new HashMap<>();
            for (long sizeMiB : grid.sizesMiB()) {
                BlobContent blob = BlobContent.random(sizeMiB * MIB);
                Load.await(contender.client().push(Flow.MONOLITHIC, repository, blob));
                bySize.put(sizeMiB * MIB, blob);
            }
            blobs.put(contender.label(), bySize);
        }

        @Override
        public List<Cell> cells() {
            List<Cell> cells = new ArrayList<>();
            for (long sizeMiB : grid.sizesMiB()) {
                for (int concurrency : grid.concurrencies()) {
                    cells.add(pullCell(sizeMiB * MIB, concurrency));
                }
            }
            return cells;
        }

        private Cell pullCell(long size, int concurrency) {
            long volume = grid.volumeMiB() * MIB;
            String name = grid.name("pull " + label(size, concurrency));
            return new Cell() {
                @Override
                public List<Metric> metrics() {
                    return List.of(Metric.throughput(name, false), Metric.cpuPerGiB(name));
                }

                @Override
                public double[] measure(Contender contender, boolean warmUp) throws Exception {
                    BlobContent blob = blobs.get(contender.label()).get(size);
                    int count = warmUp ? concurrency : operations(size, concurrency, volume);
                    Duration cpu = contender.server().cpuTime();
                    long nanos = Load.run(concurrency, count, i -> contender.client().pull(repository, blob, warmUp));
                    return figures(count * size, nanos, contender.server().cpuTime().minus(cpu));
                }
            };
        }
    }
}
