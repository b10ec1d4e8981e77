package dev.wharf.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What one benchmark run does, read from {@code -Dbench.*} system properties so that Maven's command line
 * reaches it unchanged. {@code -Dbench.quick=true} shrinks every default to a smoke run of a few minutes.
 */
record BenchOptions(
        boolean quick,
        int repeats,
        List<String> workloads,
        List<Long> sizesMiB,
        List<Integer> concurrencies,
        long volumeMiB,
        List<Long> tlsSizesMiB,
        List<Integer> tlsConcurrencies,
        Duration rateDuration,
        long bigBlobMiB,
        int bigBlobCount,
        List<String> wharfJvms,
        List<String> tunedJvmFlags,
        String wharfJavaOpts,
        List<String> distributions,
        Path wharfJar,
        Path outputDir,
        String storage) {

    static final String FILESYSTEM = "filesystem";
    static final String S3 = "s3";

    /**
     * The README's memory flags for Wharf, in one place: what the {@code target/wharf} launcher passes, and what
     * the benchmark passes itself when there is no launcher. {@code -Dbench.tunedFlags="..."} replaces it for an
     * experiment (without the launcher, or with {@code bench.jvm=tuned}).
     */
    static final String TUNED_FLAGS = "-Xms48m -Xmn32m -Xmx96m -XX:+UseSerialGC -XX:MaxDirectMemorySize=64m "
            + "-XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=64m -Xss512k";

    static BenchOptions fromSystemProperties() {
        boolean quick = Boolean.getBoolean("bench.quick");
        String storage = System.getProperty("bench.storage", FILESYSTEM).trim().toLowerCase(java.util.Locale.ROOT);
        if (!storage.equals(FILESYSTEM) && !storage.equals(S3)) {
            throw new IllegalArgumentException("bench.storage takes filesystem or s3, not " + storage);
        }
        // Over S3 S3Mock moves some 20-30 MiB/s of pushes on 2 cores: fewer cells, less volume and Distribution 3.1.1
        // only, so that a full run stays within 15 min and a quick one near 3.
        boolean s3 = storage.equals(S3);
        return new BenchOptions(
                quick,
                Integer.getInteger("bench.repeats", quick ? 1 : 3),
                list("bench.workloads", "all"),
                list("bench.sizes", quick ? "1,16" : "1,16,256").stream().map(Long::parseLong).toList(),
                list("bench.concurrency", s3 ? "1,4" : "1,4,8").stream().map(Integer::parseInt).toList(),
                Long.getLong("bench.volumeMiB", s3 ? (quick ? 16 : 64) : quick ? 32 : 256),
                list("bench.tlsSizes", quick ? "16" : "16,256").stream().map(Long::parseLong).toList(),
                list("bench.tlsConcurrency", "1,4").stream().map(Integer::parseInt).toList(),
                Duration.ofSeconds(Long.getLong("bench.rateSeconds", quick ? 2 : 5)),
                Long.getLong("bench.bigBlobMiB", s3 ? (quick ? 32 : 128) : quick ? 128 : 1024),
                Integer.getInteger("bench.bigBlobCount", 4),
                list("bench.jvm", "default"),
                Arrays.asList(System.getProperty("bench.tunedFlags", TUNED_FLAGS).trim().split("\\s+")),
                System.getProperty("bench.wharfJavaOpts", "").trim(),
                list("bench.distributions", s3 ? "3.1.1" : "3.1.1,2.8.2"),
                Path.of(System.getProperty("bench.wharfJar", "target/wharf.jar")),
                Path.of(System.getProperty("bench.output", "target/bench")),
                storage);
    }

    /** Whether both registries keep everything in buckets of one S3Mock rather than on the local filesystem. */
    boolean s3() {
        return storage.equals(S3);
    }

    /** Whether the workload with this id was asked for: {@code -Dbench.workloads=push,pull} selects by prefix. */
    boolean selected(String workloadId) {
        return workloads.contains("all") || workloads.stream().anyMatch(workloadId::startsWith);
    }

    /** {@code bench.wharfJavaOpts} as separate flags, for a Wharf started without the launcher. */
    List<String> wharfJavaOptsList() {
        return wharfJavaOpts.isEmpty() ? List.of() : Arrays.asList(wharfJavaOpts.split("\\s+"));
    }

    private static List<String> list(String property, String defaults) {
        return Arrays.stream(System.getProperty(property, defaults).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
