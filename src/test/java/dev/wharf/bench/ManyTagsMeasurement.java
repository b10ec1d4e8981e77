package dev.wharf.bench;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.TestRegistry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How tag listing behaves with 100,000 tags in one repository: pushes one small image and tags it that many
 * times through the API, restarts the server (so the tag index is read cold from disk), then times the
 * first listing, full listings and paginated listings. Run with
 * {@code mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.wharf.bench.ManyTagsMeasurement}
 * ({@code -Dtags=N} for another count). Prints its figures; asserts nothing about speed.
 */
public final class ManyTagsMeasurement {
    private static final String REPO = "scale/many-tags";

    private ManyTagsMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        int tags = Integer.getInteger("tags", 100_000);
        // fsync off only to make the set-up quick: listing reads memory, not disk.
        try (TestRegistry registry = TestRegistry.start(c -> new WharfConfig(c.http(),
                new WharfConfig.Storage(c.storage().root(), false, true), c.uploads(), c.manifests(), c.auth(), c.tls(), c.gc()))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            byte[] manifest = pushImage(http, registry.baseUrl());
            long start = System.nanoTime();
            tagAll(http, registry.baseUrl(), manifest, tags);
            double pushSeconds = seconds(start);
            System.out.printf("tagged %d times in %.1f s (%.0f tag pushes/s)%n", tags, pushSeconds, tags / pushSeconds);

            registry.stopServer();
            registry.boot();
            String base = registry.baseUrl() + "/v2/" + REPO + "/tags/list";
            start = System.nanoTime();
            HttpResponse<byte[]> first = get(http, base + "?n=100");
            System.out.printf("first listing after restart (reads %d tag files): %.0f ms, status %d%n",
                    tags, seconds(start) * 1000, first.statusCode());

            int rounds = 20;
            start = System.nanoTime();
            int bytes = 0;
            for (int i = 0; i < rounds; i++) {
                bytes = get(http, base + "?n=" + tags).body().length;
            }
            System.out.printf("full listing of %d tags (%d KiB): %.1f ms each%n", tags, bytes / 1024, seconds(start) * 1000 / rounds);

            rounds = 2000;
            start = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                String last = tagName((i * 7919) % tags);
                HttpResponse<byte[]> page = get(http, base + "?n=100&last=" + last);
                if (page.statusCode() != 200) {
                    throw new IllegalStateException("page answered " + page.statusCode());
                }
            }
            double perPage = seconds(start) * 1000 / rounds;
            System.out.printf("page of 100 tags from a point in the middle: %.2f ms each (%.0f pages/s, one client)%n",
                    perPage, 1000 / perPage);
        }
    }

    private static byte[] pushImage(HttpClient http, String base) throws Exception {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        String configDigest = Blobs.sha256(config);
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/" + REPO + "/blobs/uploads/?digest=" + configDigest))
                .POST(HttpRequest.BodyPublishers.ofByteArray(config)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("config push answered " + r.statusCode());
        }
        return ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":2},\"layers\":[]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void tagAll(HttpClient http, String base, byte[] manifest, int tags) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 16; w++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < tags; i = next.getAndIncrement()) {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/" + REPO + "/manifests/" + tagName(i)))
                            .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() != 201) {
                        throw new IllegalStateException("tag push answered " + r.statusCode());
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        pool.shutdown();
    }

    private static String tagName(int i) {
        return String.format("build-%06d", i);
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
