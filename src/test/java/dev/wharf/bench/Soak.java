package dev.wharf.bench;

import dev.wharf.bench.SoakImages.Blob;
import dev.wharf.bench.SoakImages.Image;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.SelfSignedCertificate;
import dev.wharf.testing.TempDirs;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A long mixed-load run against one Wharf process, looking for lost data and lost requests rather than speed:
 * workers push images (monolithic, chunked, mounted, deduplicated), pull them back and check every byte, delete
 * some, list tags and the catalog, send bad uploads, and abandon uploads, while the server's garbage collector
 * runs every few seconds with a short grace period. At the end it waits for abandoned uploads to expire, checks
 * every image it still holds, restarts the server, checks them all again, and runs the offline
 * {@code wharf verify}. Any wrong status, wrong byte, missing image or unanswered request is a failure, and the
 * command exits 1.
 *
 * <p>Run with {@code mvn -Psoak -DskipTests verify}; {@code -Dsoak.minutes}, {@code -Dsoak.workers},
 * {@code -Dsoak.gcSeconds}, {@code -Dsoak.gcGraceSeconds} and {@code -Dsoak.jvmFlags} change the defaults
 * (10, 16, 15, 30 and the README's flags); {@code -Dsoak.tls=true} runs it over HTTPS with HTTP/2 (a
 * self-signed certificate made by openssl). A grace period of 0 lets the collector take the blobs of pushes in
 * flight, which the soak then reports: a way to see that it does catch lost data.
 */
public final class Soak {
    private static final int MIB = 1024 * 1024;
    private static final int REPOSITORIES = 6;
    private static final Duration UPLOAD_EXPIRY = Duration.ofSeconds(20);
    private static final int MAX_FAILURES = 20;
    /** Above this many held images a push turns into a delete, so that a long run stays within a few GiB. */
    private static final int MAX_HELD = 400;

    private final Duration length = Duration.ofMinutes(Long.getLong("soak.minutes", 10));
    private final int workers = Integer.getInteger("soak.workers", 16);
    private final Duration gcEvery = Duration.ofSeconds(Long.getLong("soak.gcSeconds", 15));
    private final Duration gcGrace = Duration.ofSeconds(Long.getLong("soak.gcGraceSeconds", 30));
    private final List<String> jvmFlags = List.of(System.getProperty("soak.jvmFlags", BenchOptions.TUNED_FLAGS).trim().split("\\s+"));
    private final Path jar = Path.of(System.getProperty("bench.wharfJar", "target/wharf.jar"));
    private final Path output = Path.of(System.getProperty("soak.output", "target/soak"));
    private final boolean overTls = Boolean.getBoolean("soak.tls");
    private SelfSignedCertificate certificate;
    private SSLContext tls;

    private final SoakImages images = new SoakImages();
    private final List<byte[]> baseLayers = new ArrayList<>();
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong failureCount = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private final LongAdder blobsCollected = new LongAdder();
    private volatile long peakRssKiB;

    public static void main(String[] args) throws Exception {
        System.exit(new Soak().run());
    }

    private int run() throws Exception {
        Path root = Files.createTempDirectory("wharf-soak-");
        Path data = root.resolve("data");
        if (overTls) {
            certificate = SelfSignedCertificate.create(Files.createDirectories(root.resolve("tls")));
            tls = certificate.trustingContext();
        }
        Random seed = new Random(42);
        for (int i = 0; i < 4; i++) {
            byte[] layer = new byte[MIB];
            seed.nextBytes(layer);
            baseLayers.add(layer);
        }
        System.out.printf("Soak: %d workers for %s against %s over %s, GC every %d s (grace %d s), uploads expire after %d s%n",
                workers, length, jar, overTls ? "HTTPS (HTTP/2)" : "HTTP/1.1", gcEvery.toSeconds(), gcGrace.toSeconds(),
                UPLOAD_EXPIRY.toSeconds());
        try {
            try (ServerProcess server = start(root, data, "first")) {
                load(server);
                System.out.println("Load done; waiting for abandoned uploads to expire");
                awaitNoUploads(data);
                SoakClient client = new SoakClient(server.port(), tls);
                collectGarbage(client);
                verifyAll(client, "after the load and a last GC");
                peakRssKiB = Math.max(peakRssKiB, server.peakRssKiB());
            }
            try (ServerProcess server = start(root, data, "restarted")) {
                verifyAll(new SoakClient(server.port(), tls), "after a restart");
            }
            offlineVerify(data);
        } finally {
            TempDirs.delete(root);
        }
        return report();
    }

    private ServerProcess start(Path root, Path data, String name) throws IOException {
        int port = ServerProcess.freePort();
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", jar.toString()));
        Map<String, String> env = new HashMap<>(Map.of(
                "WHARF_HTTP_PORT", Integer.toString(port),
                "WHARF_HTTP_HOST", "127.0.0.1",
                "WHARF_STORAGE_ROOT", data.toString(),
                "WHARF_UPLOADS_EXPIRY", UPLOAD_EXPIRY.toSeconds() + "s",
                "WHARF_UPLOADS_PURGE_INTERVAL", "5s",
                "WHARF_GC_GRACE_PERIOD", gcGrace.toSeconds() + "s",
                "WHARF_GC_INTERVAL", "0s"));
        if (certificate != null) {
            env.put("WHARF_TLS_CERT", certificate.cert().toString());
            env.put("WHARF_TLS_KEY", certificate.key().toString());
        }
        return ServerProcess.start("Wharf (" + name + ")", command, env, port, root.resolve("run-" + name),
                output.resolve("wharf-" + name + ".log"), tls);
    }

    /** Runs the workers and the collector until the time is up, printing a progress line every 10 s. */
    private void load(ServerProcess server) throws Exception {
        long end = System.nanoTime() + length.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(workers + 1);
        List<Future<?>> running = new ArrayList<>();
        // one client for all: over HTTP/2 the workers' requests share its connection as concurrent streams
        SoakClient client = new SoakClient(server.port(), tls);
        for (int w = 0; w < workers; w++) {
            int id = w;
            running.add(pool.submit(() -> work(client, new Random(id), end)));
        }
        running.add(pool.submit(() -> collect(client, end)));
        long start = System.nanoTime();
        while (running.stream().anyMatch(f -> !f.isDone())) {
            TimeUnit.SECONDS.sleep(10);
            long rss = server.rssKiB();
            peakRssKiB = Math.max(peakRssKiB, server.peakRssKiB());
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            System.out.printf("[%02d:%02d] %d operations, %d images held, %d GC runs (%d blobs collected), %d failures, "
                            + "RSS %d MiB (peak %d MiB)%n", seconds / 60, seconds % 60, total(), images.size(),
                    counts.getOrDefault("gc", new LongAdder()).sum(), blobsCollected.sum(), failureCount.get(), rss / 1024,
                    peakRssKiB / 1024);
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
    }

    private void work(SoakClient client, Random random, long end) {
        while (System.nanoTime() < end && failureCount.get() < MAX_FAILURES) {
            String repo = "soak/team" + random.nextInt(REPOSITORIES) + "/app";
            int roll = random.nextInt(100);
            if (roll < 35 && images.size() < MAX_HELD) {
                count("push image", () -> pushImage(client, random, repo));
            } else if (roll < 35) {
                count("delete image", () -> deleteImage(client, random));
            } else if (roll < 70) {
                count("pull image", () -> pullImage(client, random));
            } else if (roll < 78) {
                count("delete image", () -> deleteImage(client, random));
            } else if (roll < 84) {
                count("list tags", () -> listTags(client, repo));
            } else if (roll < 86) {
                count("catalog", () -> catalog(client));
            } else if (roll < 90) {
                count("wrong digest", () -> client.pushWithWrongDigest(repo, randomBytes(random, 64 * 1024)));
            } else if (roll < 94) {
                count("out-of-order chunk", () -> client.pushOutOfOrderChunk(repo, randomBytes(random, 32 * 1024)));
            } else {
                count("abandoned upload", () -> client.abandonUpload(repo, randomBytes(random, 16 * 1024)));
            }
        }
    }

    private void collect(SoakClient client, long end) {
        while (System.nanoTime() < end && failureCount.get() < MAX_FAILURES) {
            try {
                TimeUnit.MILLISECONDS.sleep(gcEvery.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            collectGarbage(client);
        }
    }

    private void collectGarbage(SoakClient client) {
        count("gc", () -> {
            String report = client.collectGarbage();
            blobsCollected.add(SoakClient.number(report, "blobsRemoved"));
        });
    }

    private void pushImage(SoakClient client, Random random, String repo) throws SoakClient.Failure {
        List<Blob> blobs = new ArrayList<>();
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"soak\":" + sequence.incrementAndGet() + "}")
                .getBytes(StandardCharsets.UTF_8);
        client.pushMonolithic(repo, config);
        blobs.add(new Blob(Blobs.sha256(config), config.length));
        int layers = 1 + random.nextInt(3);
        for (int i = 0; i < layers; i++) {
            byte[] layer = random.nextInt(3) == 0 ? baseLayers.get(random.nextInt(baseLayers.size()))
                    : randomBytes(random, 1 + random.nextInt(random.nextInt(10) == 0 ? 8 * MIB : 512 * 1024));
            String digest = Blobs.sha256(layer);
            String from = images.repositoryHolding(digest);
            if (from == null || from.equals(repo) || !client.mount(repo, digest, from)) {
                if (random.nextBoolean()) {
                    client.pushMonolithic(repo, layer);
                } else {
                    client.pushChunked(repo, layer, 1 + random.nextInt(4));
                }
            }
            blobs.add(new Blob(digest, layer.length));
        }
        String tag = "v" + sequence.incrementAndGet();
        String digest = client.putManifest(repo, tag, manifest(blobs));
        images.add(new Image(repo, tag, digest, blobs));
    }

    private static byte[] manifest(List<Blob> blobs) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"").append(SoakClient.OCI_MANIFEST)
                .append("\",\"config\":").append(descriptor("application/vnd.oci.image.config.v1+json", blobs.get(0)))
                .append(",\"layers\":[");
        for (int i = 1; i < blobs.size(); i++) {
            json.append(i > 1 ? "," : "").append(descriptor("application/vnd.oci.image.layer.v1.tar", blobs.get(i)));
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String descriptor(String mediaType, Blob blob) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + blob.digest() + "\",\"size\":" + blob.size() + "}";
    }

    /**
     * Pulls a random held image, now and then also a byte range of its config; a miss only counts when the
     * image was not deleted meanwhile.
     */
    private void pullImage(SoakClient client, Random random) throws SoakClient.Failure {
        Image image = images.any(random);
        if (image == null || !checkImage(client, image, images::holds) || random.nextInt(10) != 0) {
            return;
        }
        Blob config = image.blobs().get(0);
        try {
            client.checkRange(image.repo(), config.digest(), 1, (int) config.size() - 1);
        } catch (SoakClient.Failure e) {
            if (images.holds(image)) {
                throw e;
            }
        }
    }

    /** Pulls the manifest and every blob of an image and checks their bytes; false when it was deleted meanwhile. */
    private static boolean checkImage(SoakClient client, Image image, Predicate<Image> stillHeld) throws SoakClient.Failure {
        int status = client.getManifest(image.repo(), image.tag(), image.manifestDigest());
        if (status != 200) {
            if (stillHeld.test(image)) {
                throw new SoakClient.Failure("image " + image.repo() + ":" + image.tag() + " is held but its manifest answered " + status);
            }
            return false;
        }
        for (Blob blob : image.blobs()) {
            int blobStatus = client.getBlob(image.repo(), blob.digest(), blob.size());
            if (blobStatus != 200) {
                if (stillHeld.test(image)) {
                    throw new SoakClient.Failure("image " + image.repo() + ":" + image.tag() + " is held but blob "
                            + blob.digest() + " answered " + blobStatus);
                }
                return false;
            }
        }
        return true;
    }

    private void deleteImage(SoakClient client, Random random) throws SoakClient.Failure {
        Image image = images.takeAny(random);
        if (image == null) {
            return;
        }
        client.deleteManifest(image.repo(), image.manifestDigest());
        int status = client.getManifest(image.repo(), image.manifestDigest(), image.manifestDigest());
        if (status != 404) {
            throw new SoakClient.Failure("manifest " + image.repo() + "@" + image.manifestDigest() + " answered " + status + " after its DELETE");
        }
    }

    /** Every tag held both before and after the listing must be in it. */
    private void listTags(SoakClient client, String repo) throws SoakClient.Failure {
        Set<String> before = images.tags(repo);
        if (before.isEmpty()) {
            return;
        }
        List<String> listed = SoakClient.tagsIn(client.tags(repo));
        Set<String> expected = new HashSet<>(before);
        expected.retainAll(images.tags(repo));
        expected.removeAll(listed);
        if (!expected.isEmpty()) {
            throw new SoakClient.Failure("tags/list of " + repo + " lacks held tags " + expected);
        }
    }

    private void catalog(SoakClient client) throws SoakClient.Failure {
        Set<String> before = images.repositories();
        String listed = client.catalog();
        for (String repo : before) {
            if (!listed.contains("\"" + repo + "\"")) {
                throw new SoakClient.Failure("_catalog lacks " + repo + ", which holds images");
            }
        }
    }

    private void awaitNoUploads(Path data) throws IOException, InterruptedException {
        Path uploads = data.resolve("uploads");
        long deadline = System.nanoTime() + UPLOAD_EXPIRY.multipliedBy(3).toNanos();
        long left = sessions(uploads);
        while (left > 0 && System.nanoTime() < deadline) {
            TimeUnit.SECONDS.sleep(1);
            left = sessions(uploads);
        }
        if (left > 0) {
            fail("upload expiry", left + " upload sessions still on disk " + UPLOAD_EXPIRY.multipliedBy(3).toSeconds()
                    + " s after the load stopped (expiry " + UPLOAD_EXPIRY.toSeconds() + " s)");
        }
    }

    private static long sessions(Path uploads) throws IOException {
        if (!Files.isDirectory(uploads)) {
            return 0;
        }
        try (Stream<Path> entries = Files.list(uploads)) {
            return entries.count();
        }
    }

    private void verifyAll(SoakClient client, String when) {
        List<Image> held = images.all();
        System.out.printf("Checking all %d held images %s%n", held.size(), when);
        for (Image image : held) {
            count("check image", () -> checkImage(client, image, i -> true));
        }
    }

    private void offlineVerify(Path data) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", jar.toString(), "verify")
                .redirectErrorStream(true).redirectOutput(output.resolve("verify.log").toFile());
        builder.environment().put("WHARF_STORAGE_ROOT", data.toString());
        Process verify = builder.start();
        if (!verify.waitFor(10, TimeUnit.MINUTES)) {
            verify.destroyForcibly();
            fail("wharf verify", "did not finish within 10 minutes");
        } else if (verify.exitValue() != 0) {
            fail("wharf verify", "exit " + verify.exitValue() + "; see " + output.resolve("verify.log"));
        }
    }

    private interface Step {
        void run() throws SoakClient.Failure;
    }

    private void count(String kind, Step step) {
        try {
            step.run();
            counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
        } catch (SoakClient.Failure e) {
            fail(kind, e.getMessage());
        } catch (RuntimeException e) {
            fail(kind, e.toString());
        }
    }

    private void fail(String kind, String message) {
        failureCount.incrementAndGet();
        failures.add(kind + ": " + message);
        System.out.println("FAILURE " + kind + ": " + message);
    }

    private long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static byte[] randomBytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    private int report() {
        System.out.println();
        System.out.println("Soak finished: " + length.toMinutes() + " min, " + workers + " workers");
        counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> System.out.printf("  %-20s %d%n", e.getKey(), e.getValue().sum()));
        System.out.printf("  blobs collected by GC %d, peak RSS %d MiB%n", blobsCollected.sum(), peakRssKiB / 1024);
        if (failureCount.get() == 0) {
            System.out.println("No failures.");
            return 0;
        }
        System.out.println(failureCount.get() + " failures" + (failureCount.get() >= MAX_FAILURES ? " (stopped early)" : "") + ":");
        failures.forEach(f -> System.out.println("  " + f));
        return 1;
    }
}
