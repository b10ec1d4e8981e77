package dev.wharf.bench;

import dev.wharf.bench.RegistryClient.Flow;
import dev.wharf.bench.Workload.Cell;
import dev.wharf.bench.Workload.Metric;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

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

/**
 * Wharf against CNCF Distribution: starts both (Wharf once per JVM flag set) on free loopback ports, runs every
 * workload on each in alternation (warm-up, then repeats, median), and prints per metric each registry's figure
 * and the ratio Wharf/Distribution. Run it with {@code mvn -Pbench -DskipTests verify}; see docs/performance.md.
 */
public final class RegistryBenchmark {
    private static final String BASELINE = "Distribution";

    private final BenchOptions options;
    private final List<Contender> contenders;
    private final Results results;

    private RegistryBenchmark(BenchOptions options, List<Contender> contenders) {
        this.options = options;
        this.contenders = contenders;
        this.results = new Results(contenders.stream().filter(Contender::isWharf).map(Contender::label).toList(), List.of(BASELINE));
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.fromSystemProperties();
        Files.createDirectories(options.outputDir());
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        List<Contender> contenders = new CopyOnWriteArrayList<>();
        // Ctrl-C or a crash must not leave servers and gigabytes of temp files behind.
        Thread cleanup = new Thread(() -> stopAll(contenders));
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            for (String jvm : options.wharfJvms()) {
                contenders.add(Contenders.wharf(vertx, "Wharf " + jvm, jvmFlags(jvm, options), options));
            }
            contenders.add(Contenders.distribution(vertx, options));
            String pushFlow = chooseMonolithicFlow(contenders);
            long start = System.nanoTime();
            Results results = new RegistryBenchmark(options, contenders).run();
            long minutes = TimeUnit.NANOSECONDS.toMinutes(System.nanoTime() - start);
            System.out.println();
            System.out.println(results.text());
            String report = "# Wharf vs CNCF Distribution\n\n" + setup(options, pushFlow, minutes) + "\n" + results.markdown();
            Path file = options.outputDir().resolve("results.md");
            Files.writeString(file, report);
            System.out.println("Written to " + file.toAbsolutePath());
        } finally {
            stopAll(contenders);
            Runtime.getRuntime().removeShutdownHook(cleanup);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private Results run() throws Exception {
        List<Workload> workloads = List.of(
                BlobWorkloads.push(Flow.MONOLITHIC, options),
                BlobWorkloads.push(Flow.CHUNKED, options),
                BlobWorkloads.push(Flow.STREAMED, options),
                BlobWorkloads.pull(options),
                ReadWorkloads.manifests(options),
                ManifestPuts.workload(options),
                ReadWorkloads.listings(options));
        for (Workload workload : workloads) {
            if (options.selected(workload.id())) {
                run(workload);
            }
        }
        // Read before the memory workload resets the peak: the big pushes are reported on their own.
        Map<String, Double> peaks = new LinkedHashMap<>();
        contenders.forEach(c -> peaks.put(c.label(), c.server().peakRssKiB() / 1024.0));
        results.add(Metric.lowerIsBetter("peak RSS, whole run before the big pushes", "MiB"), peaks, Map.of());
        Workload memory = new MemoryWorkload(options);
        if (options.selected(memory.id())) {
            run(memory);
        }
        return results;
    }

    /** Prepares every registry, then per cell: a warm-up on each, then rounds in rotating order, median per metric. */
    private void run(Workload workload) {
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
     * (it opens an upload and ignores the body), so then both registries get POST, then PUT with the body.
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

    private static List<String> jvmFlags(String variant, BenchOptions options) {
        return switch (variant) {
            case "plain" -> List.of();
            case "tuned" -> options.tunedJvmFlags();
            default -> throw new IllegalArgumentException("bench.jvm takes plain and/or tuned, not " + variant);
        };
    }

    private static String setup(BenchOptions options, String pushFlow, long minutes) {
        return """
                - Run: %s, %d min, %s mode, %d repeat(s) per figure (median), warm-up before each
                - Machine: %d cores, %s, shared by the client and the servers
                - Wharf plain: `java -jar target/wharf.jar`; Wharf tuned: `java %s -jar target/wharf.jar`
                - Distribution: `%s serve config.yml` (Debian docker-registry)
                - Monolithic pushes: %s
                - Volume per figure: %d MiB (at least one blob per worker); request-rate figures: %d s each
                """.formatted(Instant.now(), minutes, options.quick() ? "quick" : "full", options.repeats(),
                Runtime.getRuntime().availableProcessors(), cpuModel(), String.join(" ", options.tunedJvmFlags()),
                Contenders.DISTRIBUTION_BINARY, pushFlow, options.volumeMiB(), options.rateDuration().toSeconds());
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

    private static void stopAll(List<Contender> contenders) {
        for (Contender contender : contenders) {
            contender.close();
        }
        contenders.clear();
    }
}
