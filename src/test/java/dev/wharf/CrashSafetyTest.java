package dev.wharf;

import dev.wharf.config.ConfigLoader;
import dev.wharf.integrity.Verifier;
import dev.wharf.integrity.VerifyReport;
import dev.wharf.oci.Digest;
import dev.wharf.storage.Progress;
import dev.wharf.storage.Storage;
import dev.wharf.testing.TestImages;
import dev.wharf.testing.TestImages.Image;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the server as a separate JVM, pushes images into it from several clients, kills it with SIGKILL at a
 * random moment, and restarts it, several times over. After each restart every push that was answered 201
 * must pull back whole, with the right digests; at the end, every tag must lead to a complete image and
 * {@code verify} must find every stored blob intact.
 */
class CrashSafetyTest {
    private static final int ROUNDS = 4;
    private static final int CLIENTS = 3;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path work;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void everyAcknowledgedPushSurvivesSigkillAndRestart() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path root = work.resolve("store");
        List<Image> acknowledged = new CopyOnWriteArrayList<>();
        List<String> failedBeforeKill = new CopyOnWriteArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            int port = freePort();
            Process server = startServer(root, port, round);
            try {
                awaitUp(server, port);
                assertAllPullable(port, acknowledged, "after restart " + round + " (seed " + seed + ")");
                pushUntilKilled(server, port, round, 1500 + random.nextInt(2000), acknowledged, failedBeforeKill);
            } finally {
                server.destroyForcibly();
                server.waitFor(20, TimeUnit.SECONDS);
            }
        }

        int port = freePort();
        Process server = startServer(root, port, ROUNDS);
        try {
            awaitUp(server, port);
            assertAllPullable(port, acknowledged, "after the last restart (seed " + seed + ")");
            assertEveryTagLeadsToACompleteImage(port);
        } finally {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), failedBeforeKill, "pushes that failed while the server was up");
        try (Stream<Path> leftovers = Files.list(root.resolve("tmp"))) {
            assertEquals(0, leftovers.count(), "temp files of interrupted writes are removed at start");
        }
        System.out.println("crash test: " + acknowledged.size() + " acknowledged pushes survived " + ROUNDS + " SIGKILLs");
        assertTrue(acknowledged.size() >= ROUNDS, "too few pushes got through to test anything: " + acknowledged.size());
        try (Storage storage = new Storage(ConfigLoader.defaultsOnly().withStorageRoot(root.toString()).storage())) {
            VerifyReport report = new Verifier(storage).run(false, Progress.NONE);
            assertEquals(List.of(), report.corrupt(), "verify after " + ROUNDS + " crashes");
            assertTrue(report.blobsChecked() > 0);
        }
    }

    /** Pushes from several clients until the server is killed after {@code millis}; records each 201'd image. */
    private void pushUntilKilled(Process server, int port, int round, long millis, List<Image> acknowledged,
                                 List<String> failedBeforeKill) throws InterruptedException {
        AtomicBoolean killed = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                TestImages images = new TestImages(() -> given(port), round * 100L + client);
                Random random = new Random(round * 100L + client);
                for (int n = 0; !killed.get(); n++) {
                    try {
                        Image image = images.pushImage("crash/client-" + client, "r" + round + "-" + n,
                                images.randomBytes(1 + random.nextInt(256 * 1024)), images.randomBytes(1 + random.nextInt(4096)));
                        acknowledged.add(image);
                    } catch (AssertionError | Exception cutOff) {
                        // once the kill is under way the push was never acknowledged, so nothing is owed;
                        // before it, a failed push is a bug of its own
                        if (!killed.get()) {
                            failedBeforeKill.add("round " + round + ": " + cutOff);
                        }
                        return;
                    }
                }
            }, "crash-client-" + c);
            clients.add(t);
            t.start();
        }
        Thread.sleep(millis);
        killed.set(true);
        server.destroyForcibly();
        server.waitFor(20, TimeUnit.SECONDS);
        for (Thread t : clients) {
            t.join(30_000);
        }
    }

    private static void assertAllPullable(int port, List<Image> images, String when) {
        for (Image image : images) {
            String tag = "/v2/" + image.repository() + "/manifests/";
            Response manifest = given(port).accept(TestImages.OCI_MANIFEST).get(tag + image.manifest());
            assertEquals(200, manifest.statusCode(), when + ": manifest " + image.manifest());
            assertEquals(image.manifest(), Digest.sha256(manifest.asByteArray()), when);
            for (Digest blob : image.blobs()) {
                Response r = given(port).get("/v2/" + image.repository() + "/blobs/" + blob);
                assertEquals(200, r.statusCode(), when + ": blob " + blob);
                assertEquals(blob, Digest.sha256(r.asByteArray()), when + ": content of " + blob);
            }
        }
    }

    /** Nothing half-written is visible: each tag the server lists resolves to a manifest whose blobs are all there. */
    private static void assertEveryTagLeadsToACompleteImage(int port) {
        for (String repository : given(port).get("/v2/_catalog?n=1000").jsonPath().getList("repositories", String.class)) {
            List<String> tags = given(port).get("/v2/" + repository + "/tags/list?n=10000").jsonPath().getList("tags", String.class);
            for (String tag : tags == null ? List.<String>of() : tags) {
                Response manifest = given(port).accept(TestImages.OCI_MANIFEST).get("/v2/" + repository + "/manifests/" + tag);
                assertEquals(200, manifest.statusCode(), repository + ":" + tag);
                List<String> blobs = new ArrayList<>(manifest.jsonPath().getList("layers.digest", String.class));
                blobs.add(manifest.jsonPath().getString("config.digest"));
                for (String blob : blobs) {
                    assertEquals(200, given(port).head("/v2/" + repository + "/blobs/" + blob).statusCode(),
                            repository + ":" + tag + " needs " + blob);
                }
            }
        }
    }

    private Process startServer(Path root, int port, int round) throws IOException {
        Path dir = Files.createDirectories(work.resolve("run-" + round));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.wharf.Main")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile());
        pb.environment().put("WHARF_HTTP_HOST", "127.0.0.1");
        pb.environment().put("WHARF_HTTP_PORT", String.valueOf(port));
        pb.environment().put("WHARF_HTTP_EVENT_LOOPS", "2");
        pb.environment().put("WHARF_STORAGE_ROOT", root.toString());
        pb.environment().put("WHARF_GC_INTERVAL", "0s");
        return pb.start();
    }

    private static void awaitUp(Process server, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("the server exited with " + server.exitValue() + " before answering");
            }
            try {
                if (HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        fail("the server did not answer within 40 s");
    }

    private static RequestSpecification given(int port) {
        return RestAssured.given().baseUri("http://127.0.0.1").port(port).urlEncodingEnabled(false);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
