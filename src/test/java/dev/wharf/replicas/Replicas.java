package dev.wharf.replicas;

import dev.wharf.storage.s3.S3Server;
import dev.wharf.testing.Processes;
import dev.wharf.testing.TempDirs;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * N Wharf processes (child JVMs, as {@code CrashSafetyTest} starts them) sharing one fresh bucket of the shared
 * S3Mock: each with its own free port and its own temp storage root (its spool), a tag cache of {@link #CACHE_TTL}.
 * Replica 0 runs without {@code AWS_CA_BUNDLE} in its environment, the others with whatever the test JVM has, to
 * show that the SDK behaves the same either way. One can be killed (SIGKILL) and restarted; {@link #close()}
 * stops every one by its process and removes the temp folders.
 */
final class Replicas implements AutoCloseable {
    static final Duration CACHE_TTL = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final S3Server s3;
    private final String bucket;
    private final Path dir;
    private final Map<String, String> extraEnvironment;
    private final Process[] processes;
    private final int[] ports;
    private final int[] starts;

    private Replicas(S3Server s3, String bucket, Path dir, int count, Map<String, String> extraEnvironment) {
        this.s3 = s3;
        this.bucket = bucket;
        this.dir = dir;
        this.extraEnvironment = Map.copyOf(extraEnvironment);
        this.processes = new Process[count];
        this.ports = new int[count];
        this.starts = new int[count];
    }

    /** Starts {@code count} replicas on a new bucket and waits until each answers {@code GET /v2/}. */
    static Replicas start(int count, Map<String, String> extraEnvironment) {
        S3Server s3 = S3Server.shared(S3Server.Kind.S3MOCK);
        String bucket = "replicas-" + UUID.randomUUID().toString().substring(0, 12);
        s3.createBucket(bucket);
        Path dir;
        try {
            dir = Files.createTempDirectory("wharf-replicas-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Replicas replicas = new Replicas(s3, bucket, dir, count, extraEnvironment);
        try {
            for (int i = 0; i < count; i++) {
                replicas.launch(i);
            }
            for (int i = 0; i < count; i++) {
                replicas.awaitUp(i);
            }
            return replicas;
        } catch (RuntimeException | Error e) {
            replicas.close();
            throw e;
        }
    }

    static Replicas start(int count) {
        return start(count, Map.of());
    }

    int count() {
        return processes.length;
    }

    int port(int i) {
        return ports[i];
    }

    /** The replicas' current ports, for the proxy (a restarted replica listens on a new one). */
    List<IntSupplier> portSuppliers() {
        List<IntSupplier> all = new ArrayList<>();
        for (int i = 0; i < processes.length; i++) {
            int replica = i;
            all.add(() -> ports[replica]);
        }
        return all;
    }

    /** rest-assured aimed at replica {@code i} directly. */
    RequestSpecification given(int i) {
        return RestAssured.given().baseUri("http://127.0.0.1").port(ports[i]).urlEncodingEnabled(false);
    }

    boolean alive(int i) {
        return processes[i] != null && processes[i].isAlive();
    }

    /** SIGKILL, as a crashed node or an OOM kill: no shutdown hook, no graceful close. */
    void kill(int i) {
        processes[i].destroyForcibly();
        try {
            if (!processes[i].waitFor(20, TimeUnit.SECONDS)) {
                throw new AssertionError("replica " + i + " still alive 20 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Starts replica {@code i} again (same storage root, a new port) and waits until it answers. */
    void restart(int i) {
        if (alive(i)) {
            kill(i);
        }
        launch(i);
        awaitUp(i);
    }

    /** The end of replica {@code i}'s log, for failure messages. */
    String logTail(int i) {
        try {
            String log = Files.readString(dir.resolve("run-" + i + "-" + starts[i] + ".log"));
            return log.substring(Math.max(0, log.length() - 4000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Every replica's log, in full, to grep for a line. */
    String logs() {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                all.append("=== ").append(log.getFileName()).append('\n').append(Files.readString(log));
            }
        } catch (IOException e) {
            all.append("(logs unreadable: ").append(e).append(')');
        }
        return all.toString();
    }

    private void launch(int i) {
        try {
            ports[i] = freePort();
            starts[i]++;
            Path root = Files.createDirectories(dir.resolve("root-" + i));
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // C1 only and the serial collector: three replicas start in half the time on a small machine
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    "dev.wharf.Main")
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("run-" + i + "-" + starts[i] + ".log").toFile());
            Map<String, String> env = pb.environment();
            if (i == 0) {
                env.remove("AWS_CA_BUNDLE");
            }
            env.put("WHARF_HTTP_HOST", "127.0.0.1");
            env.put("WHARF_HTTP_PORT", String.valueOf(ports[i]));
            env.put("WHARF_HTTP_EVENT_LOOPS", "2");
            env.put("WHARF_STORAGE_ROOT", root.toString());
            env.put("WHARF_STORAGE_DRIVER", "s3");
            env.put("WHARF_STORAGE_S3_ENDPOINT", s3.endpoint());
            env.put("WHARF_STORAGE_S3_BUCKET", bucket);
            env.put("WHARF_STORAGE_S3_REGION", s3.region());
            env.put("WHARF_STORAGE_S3_ACCESS_KEY", s3.accessKey());
            env.put("WHARF_STORAGE_S3_SECRET_KEY", s3.secretKey());
            env.put("WHARF_STORAGE_S3_PATH_STYLE", "true");
            env.put("WHARF_STORAGE_S3_CACHE_TTL", CACHE_TTL.toSeconds() + "s");
            env.put("WHARF_GC_INTERVAL", "0s");
            env.putAll(extraEnvironment);
            processes[i] = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitUp(int i) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[i] + "/v2/"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            while (System.nanoTime() < deadline) {
                if (!processes[i].isAlive()) {
                    throw new AssertionError("replica " + i + " exited with " + processes[i].exitValue()
                            + " before answering:\n" + logTail(i));
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        throw new AssertionError("replica " + i + " did not answer GET /v2/ within 60 s:\n" + logTail(i));
    }

    /** Copies the replicas' logs to {@code <build>/replica-logs/<bucket>}, for a failure to be looked into. */
    private void keepLogs() {
        String servers = System.getProperty("wharf.s3servers");
        if (servers == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            Path target = Files.createDirectories(Path.of(servers).getParent().resolve("replica-logs").resolve(bucket));
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                Files.copy(log, target.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("could not keep the replica logs: " + e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process process : processes) {
            if (process != null) {
                Processes.terminate(process, Duration.ofSeconds(10));
            }
        }
        keepLogs();
        TempDirs.delete(dir);
    }
}
