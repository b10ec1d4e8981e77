package dev.wharf.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What one benchmark run does, read from {@code -Dbench.*} system properties so that Maven's command line
 * reaches it unchanged. {@code -Dbench.quick=true} shrinks every default to a smoke run of about two minutes.
 */
record BenchOptions(
        boolean quick,
        int repeats,
        List<String> workloads,
        List<Long> sizesMiB,
        List<Integer> concurrencies,
        long volumeMiB,
        Duration rateDuration,
        long bigBlobMiB,
        int bigBlobCount,
        List<String> wharfJvms,
        List<String> tunedJvmFlags,
        Path wharfJar,
        Path outputDir) {

    /** The tuned JVM flag set for Wharf, in one place; {@code -Dbench.tunedFlags="..."} replaces it for an experiment. */
    static final String TUNED_FLAGS = "-Xms16m -Xmx96m -XX:+UseSerialGC -XX:MaxDirectMemorySize=64m "
            + "-XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=64m -Xss512k";

    static BenchOptions fromSystemProperties() {
        boolean quick = Boolean.getBoolean("bench.quick");
        return new BenchOptions(
                quick,
                Integer.getInteger("bench.repeats", quick ? 1 : 3),
                list("bench.workloads", "all"),
                list("bench.sizes", quick ? "1,16" : "1,16,256").stream().map(Long::parseLong).toList(),
                list("bench.concurrency", "1,8").stream().map(Integer::parseInt).toList(),
                Long.getLong("bench.volumeMiB", quick ? 32 : 256),
                Duration.ofSeconds(Long.getLong("bench.rateSeconds", quick ? 2 : 5)),
                Long.getLong("bench.bigBlobMiB", quick ? 128 : 1024),
                Integer.getInteger("bench.bigBlobCount", 4),
                list("bench.jvm", "plain,tuned"),
                Arrays.asList(System.getProperty("bench.tunedFlags", TUNED_FLAGS).trim().split("\\s+")),
                Path.of(System.getProperty("bench.wharfJar", "target/wharf.jar")),
                Path.of(System.getProperty("bench.output", "target/bench")));
    }

    /** Whether the workload with this id was asked for: {@code -Dbench.workloads=push,pull} selects by prefix. */
    boolean selected(String workloadId) {
        return workloads.contains("all") || workloads.stream().anyMatch(workloadId::startsWith);
    }

    private static List<String> list(String property, String defaults) {
        return Arrays.stream(System.getProperty(property, defaults).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
