package dev.wharf.bench;

import dev.wharf.bench.BlobWorkloads.Grid;
import dev.wharf.bench.RegistryClient.Flow;
import dev.wharf.bench.Workload.Cell;
import dev.wharf.bench.Workload.Metric;
import dev.wharf.testing.SelfSignedCertificate;
import dev.wharf.testing.TempDirs;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Wharf against CNCF Distribution 3.1.1 and 2.8.2: starts each on a free loopback port (and, for the {@code tls}
 * workloads, a second instance of each over HTTPS), runs every workload on each in alternation (warm-up, then
 * repeats, median), and prints per metric each registry's figure and the ratio of Wharf to each Distribution.
 * Run it with {@code mvn -Pbench -DskipTests verify}; see docs/performance.md. With {@code -Dbench.storage=s3} both
 * registries keep everything in buckets of one S3Mock instead, on fewer workloads, with the S3 targets beside each ratio.
 */
public final class RegistryBenchmark {
    private final BenchOptions options;
    /** Over plain HTTP, and their twins over HTTPS: each list has one registry per results column. */
    private final List<Contender> contenders;
    private final List<Contender> tlsContenders;
    private final Results results;

    private RegistryBenchmark(BenchOptions options, List<Contender> contenders, List<Contender> tlsContenders) {
        this.options = options;
        this.contenders = contenders;
        this.tlsContenders = tlsContenders;
        this.results = new Results(contenders.stream().filter(Contender::isWharf).map(Contender::label).toList(),
                contenders.stream().filter(c -> !c.isWharf()).map(Contender::label).toList(),
                options.s3() ? RegistryBenchmark::s3Target : null);
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        // Taken now, as built: the worktree may change while the run goes on.
        String source = Contenders.output(List.of("git", "describe", "--always", "--dirty"));
        BenchOptions options = BenchOptions.fromSystemProperties();
        Files.createDirectories(options.outputDir());
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        List<Contender> contenders = new CopyOnWriteArrayList<>();
        List<Contender> tlsContenders = new CopyOnWriteArrayList<>();
        Path certificates = Files.createTempDirectory("wharf-bench-tls-");
        AtomicReference<BenchS3> s3 = new AtomicReference<>();
        // Ctrl-C or a crash must not leave servers and gigabytes of temp files behind.
        Thread cleanup = new Thread(() -> stopAll(contenders, tlsContenders, certificates, s3));
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            List<String> skipped = new ArrayList<>();
            if (options.s3()) {
                System.out.println("Starting S3Mock for -Dbench.storage=s3");
                s3.set(BenchS3.start());
            }
            for (String jvm : options.wharfJvms()) {
                contenders.add(Contenders.wharf(vertx, jvm, options, null, s3.get()));
            }
            for (String version : options.distributions()) {
                try {
                    contenders.add(Contenders.distribution(vertx, version, options, null, s3.get()));
                } catch (Contenders.Unavailable | IOException e) {
                    skip(skipped, "Distribution " + version, e);
                }
            }
            List<Workload> workloads = workloads(options);
            if (workloads.stream().anyMatch(w -> w.overTls() && options.selected(w.id()))) {
                startTlsTwins(vertx, options, certificates, contenders, tlsContenders, skipped);
            }
            String pushFlow = chooseMonolithicFlow(Stream.concat(contenders.stream(), tlsContenders.stream()).toList());
            Results results = new RegistryBenchmark(options, contenders, tlsContenders).run(workloads);
            long minutes = TimeUnit.NANOSECONDS.toMinutes(System.nanoTime() - start);
            System.out.println();
            System.out.println(results.text());
            String report = "# Wharf vs CNCF Distribution" + (options.s3() ? " over S3" : "") + "\n\n"
                    + setup(options, source, contenders, skipped, pushFlow, minutes, s3.get()) + "\n" + results.markdown();
            Path file = options.outputDir().resolve(options.s3() ? "results-s3.md" : "results.md");
            Files.writeString(file, report);
            System.out.println("Written to " + file.toAbsolutePath());
            System.out.println("Total: " + minutes + " min");
        } finally {
            stopAll(contenders, tlsContenders, certificates, s3);
            Runtime.getRuntime().removeShutdownHook(cleanup);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static List<Workload> workloads(BenchOptions options) {
        if (options.s3()) {
            return s3Workloads(options);
        }
        Grid http = Grid.http(options);
        Grid tls = Grid.tls(options);
        return List.of(
                BlobWorkloads.push(Flow.MONOLITHIC, http),
                BlobWorkloads.push(Flow.CHUNKED, http),
                BlobWorkloads.push(Flow.STREAMED, http),
                BlobWorkloads.pull(http),
                BlobWorkloads.push(Flow.MONOLITHIC, tls),
                BlobWorkloads.push(Flow.STREAMED, tls),
                BlobWorkloads.pull(tls),
                ReadWorkloads.manifests(options),
                ManifestPuts.workload(options),
                ReadWorkloads.listings(options));
    }

    /**
     * Over S3: monolithic pushes and pulls over plain HTTP on the grid of {@code bench.sizes} and
     * {@code bench.concurrency} (1 and 4 workers by default), manifest GET/HEAD by tag, tags/list and the catalog.
     * Streamed pushes only when {@code bench.workloads} asks for them ({@code push-streamed}): they would double
     * the run.
     */
    private static List<Workload> s3Workloads(BenchOptions options) {
        Grid http = Grid.http(options);
        List<Workload> workloads = new ArrayList<>();
        workloads.add(BlobWorkloads.push(Flow.MONOLITHIC, http));
        if (!options.workloads().contains("all")) {
            workloads.add(BlobWorkloads.push(Flow.STREAMED, http));
        }
        workloads.addAll(List.of(
                BlobWorkloads.pull(http),
                ReadWorkloads.manifests(options),
                ReadWorkloads.listings(options, i -> "t%03d".formatted(i))));
        return workloads;
    }

    /**
     * The targets for Wharf over S3 against Distribution 3.1.1 over S3: pushes at least 2x, pulls 1.2x, manifest GET
     * by tag, tags/list and the catalog 20x, and Wharf's own peak RSS at most 250 MiB.
     */
    private static Results.Target s3Target(Metric metric) {
        String name = metric.name();
        boolean throughput = metric.unit().equals("MiB/s");
        boolean rate = metric.unit().equals("req/s");
        if (throughput && metric.push()) {
            return Results.Target.ratioAtLeast(2);
        } else if (throughput && name.startsWith("pull ")) {
            return Results.Target.ratioAtLeast(1.2);
        } else if (rate && (name.startsWith("manifest GET") || name.startsWith("tags/list") || name.startsWith("_catalog"))) {
            return Results.Target.ratioAtLeast(20);
        } else if (name.startsWith("peak RSS") && metric.unit().equals("MiB")) {
            return Results.Target.figureAtMost(250);
        }
        return null;
    }

    /**
     * A second instance of every registry that started, over HTTPS with a certificate made for this run. One that
     * cannot start is left out of the HTTPS workloads only.
     */
    private static void startTlsTwins(Vertx vertx, BenchOptions options, Path certificates, List<Contender> contenders,
                                      List<Contender> tlsContenders, List<String> skipped) {
        SelfSignedCertificate certificate;
        try {
            certificate = SelfSignedCertificate.create(certificates);
        } catch (RuntimeException e) {
            skip(skipped, "every HTTPS instance (no certificate)", e);
            return;
        }
        for (String jvm : options.wharfJvms()) {
            try {
                tlsContenders.add(Contenders.wharf(vertx, jvm, options, certificate));
            } catch (IOException e) {
                skip(skipped, "Wharf " + jvm + " over HTTPS", e);
            }
        }
        for (String version : options.distributions()) {
            String label = Contenders.distributionLabel(version);
            if (contenders.stream().anyMatch(c -> c.label().equals(label))) {
                try {
                    tlsContenders.add(Contenders.distribution(vertx, version, options, certificate));
                } catch (Contenders.Unavailable | IOException e) {
                    skip(skipped, label + " over HTTPS", e);
                }
            }
        }
    }

    private static void skip(List<String> skipped, String what, Exception why) {
        String line = what + " skipped: " + describe(why);
        System.out.println(line);
        skipped.add(line);
    }

    private Results run(List<Workload> workloads) {
        for (Workload workload : workloads) {
            if (options.selected(workload.id())) {
                run(workload, workload.overTls() ? tlsContenders : contenders);
            }
        }
        // Read before the memory workload resets the peak: the big pushes are reported on their own.
        results.add(Metric.lowerIsBetter("peak RSS, whole run before the big pushes", "MiB"), peakRss(contenders), Map.of());
        if (!tlsContenders.isEmpty()) {
            results.add(Metric.lowerIsBetter("peak RSS of the HTTPS instances, whole run", "MiB"), peakRss(tlsContenders), Map.of());
        }
        Workload memory = new MemoryWorkload(options);
        if (options.selected(memory.id())) {
            run(memory, contenders);
        }
        return results;
    }

    private static Map<String, Double> peakRss(List<Contender> contenders) {
        Map<String, Double> peaks = new LinkedHashMap<>();
        contenders.forEach(c -> peaks.put(c.label(), c.server().peakRssKiB() / 1024.0));
        return peaks;
    }

    /** Prepares every registry, then per cell: a warm-up on each, then rounds in rotating order, median per metric. */
    private void run(Workload workload, List<Contender> contenders) {
        Map<String, String> failed = new LinkedHashMap<>();
        for (Contender contender : contenders) {
            try {
                workload.prepare(contender);
            } catch (Exception e) {
                failed.put(contender.label(), "set-up: " + describe(e));
            }
        }
        for (Cell cell : workload.cells()) {
            Map<String, String> cellFailed = new LinkedHashMap<>(failed);
            Map<String, List<double[]>> samples = new LinkedHashMap<>();
            int rounds = cell.once() ? 1 : options.repeats();
            for (int round = cell.once() ? 0 : -1; round < rounds; round++) {
                for (int i = 0; i < contenders.size(); i++) {
                    Contender contender = contenders.get(Math.floorMod(i + round, contenders.size()));
                    if (cellFailed.containsKey(contender.label())) {
                        continue;
                    }
                    try {
                        double[] figures = cell.measure(contender, round < 0);
                        if (round >= 0) {
                            samples.computeIfAbsent(contender.label(), k -> new ArrayList<>()).add(figures);
                        }
                    } catch (Exception e) {
                        cellFailed.put(contender.label(), describe(e));
                    }
                }
            }
            report(cell, samples, cellFailed);
        }
    }

    private void report(Cell cell, Map<String, List<double[]>> samples, Map<String, String> failed) {
        List<Metric> metrics = cell.metrics();
        for (int m = 0; m < metrics.size(); m++) {
            Map<String, Double> medians = new LinkedHashMap<>();
            for (Map.Entry<String, List<double[]>> entry : samples.entrySet()) {
                if (!failed.containsKey(entry.getKey())) {
                    int metric = m;
                    medians.put(entry.getKey(), median(entry.getValue().stream().mapToDouble(s -> s[metric]).toArray()));
                }
            }
            results.add(metrics.get(m), medians, failed);
            System.out.printf("%s %-55s %s %s%n", Instant.now(), metrics.get(m).name(), medians, failed.isEmpty() ? "" : failed);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * The spec's monolithic push is one {@code POST ?digest=} with the body. Distribution 2.8 answers that with 202
     * (it opens an upload and ignores the body), so then every registry gets POST, then PUT with the body.
     */
    private static String chooseMonolithicFlow(List<Contender> contenders) throws Exception {
        boolean singlePost = true;
        for (Contender contender : contenders) {
            singlePost &= Load.await(contender.client().acceptsSinglePostPush("bench/probe"));
        }
        for (Contender contender : contenders) {
            contender.client().useSinglePostPush(singlePost);
        }
        String flow = singlePost ? "a single POST ?digest= with the body"
                : "POST, then PUT ?digest= with the body (a registry answered 202 to POST ?digest=)";
        System.out.println("Monolithic pushes use " + flow);
        return flow;
    }

    private static String setup(BenchOptions options, String source, List<Contender> contenders, List<String> skipped,
                                String pushFlow, long minutes, BenchS3 s3) {
        StringBuilder out = new StringBuilder();
        out.append("- Run: %s, %d min in all, %s mode, %d repeat(s) per figure (median), warm-up before each\n".formatted(
                Instant.now(), minutes, options.quick() ? "quick" : "full", options.repeats()));
        out.append("- Command: `").append(commandLine()).append("` (Wharf source ").append(source).append(")\n");
        out.append("- Machine: %d cores, %s, %s; shared by the client and the servers\n".formatted(
                Runtime.getRuntime().availableProcessors(), cpuModel(), memory()));
        for (Contender contender : contenders) {
            out.append("- ").append(contender.label()).append(": ").append(contender.description()).append('\n');
        }
        skipped.forEach(line -> out.append("- ").append(line).append('\n'));
        if (s3 != null) {
            out.append("- Storage: S3 for both (`-Dbench.storage=s3`): ").append(s3.description()).append('\n');
            out.append("- Targets: Wharf / ").append(contenders.stream().filter(c -> !c.isWharf()).map(Contender::label)
                    .findFirst().orElse("Distribution")).append("; peak RSS is Wharf's own (one replica)\n");
        }
        out.append(s3 != null ? "" : """
                - `tls` workloads: a second instance of each registry over HTTPS, with a P-256 certificate for 127.0.0.1 \
                that openssl signed for this run and the client trusts; HTTP/1.1 without ALPN, TLS version and cipher \
                as the two ends negotiate
                """).append("""
                - Monolithic pushes: %s
                - Pushes and pulls: %d MiB per figure, or one blob per worker where that is more (256 MiB at c=8: 2 GiB); \
                server CPU is the user plus system time of the server process (all its threads) over the timed pass, per GiB moved
                - Request-rate figures: %d s each
                """.formatted(pushFlow, options.volumeMiB(), options.rateDuration().toSeconds()));
        return out.toString();
    }

    /** The command this run was started with: Maven's, as its launcher passed it on. */
    private static String commandLine() {
        String command = System.getProperty("sun.java.command", "");
        String maven = "org.codehaus.plexus.classworlds.launcher.Launcher";
        return command.startsWith(maven) ? "mvn" + command.substring(maven.length()) : "java " + command;
    }

    private static String memory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Math.round(Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0) + " GiB RAM")
                    .findFirst().orElse("unknown RAM");
        } catch (IOException e) {
            return "unknown RAM";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (Exception e) {
            return "unknown CPU";
        }
    }

    private static String describe(Exception e) {
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        return message.length() > 240 ? message.substring(0, 240) + "..." : message;
    }

    private static void stopAll(List<Contender> contenders, List<Contender> tlsContenders, Path certificates,
                                AtomicReference<BenchS3> s3) {
        for (List<Contender> list : List.of(contenders, tlsContenders)) {
            list.forEach(Contender::close);
            list.clear();
        }
        TempDirs.delete(certificates);
        BenchS3 server = s3.getAndSet(null);
        if (server != null) {
            server.close();
        }
    }
}
