package dev.wharf.storage.s3;

import dev.wharf.testing.Processes;
import dev.wharf.testing.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * A real S3 server for the tests, in a JVM of its own on a free loopback port: Adobe S3Mock or s3proxy (over its
 * filesystem backend). Their jars come from Maven Central into {@code target/s3-servers} (the pom's
 * {@code s3-servers} step); each runs on its own class path, so neither's dependencies meet Wharf's.
 */
public final class S3Server implements AutoCloseable {
    public enum Kind { S3MOCK, S3PROXY }

    public static final String REGION = "us-east-1";
    private static final String ACCESS_KEY = "wharf-test";
    private static final String SECRET_KEY = "wharf-test-secret";
    private static final Map<Kind, S3Server> SHARED = new EnumMap<>(Kind.class);

    private final Kind kind;
    private final Process process;
    private final Path dir;
    private final int port;

    private S3Server(Kind kind, Process process, Path dir, int port) {
        this.kind = kind;
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** One server of each kind for the whole test JVM (they take seconds to start); stopped when the JVM exits. */
    public static synchronized S3Server shared(Kind kind) {
        S3Server server = SHARED.get(kind);
        if (server == null || !server.process.isAlive()) {
            server = start(kind);
            SHARED.put(kind, server);
            S3Server started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return server;
    }

    /** A server of the test's own, which it must {@link #close()}. */
    public static S3Server start(Kind kind) {
        Path jar = jar(kind);
        try {
            Path dir = Files.createTempDirectory("wharf-" + kind.name().toLowerCase() + "-");
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-XX:+UseSerialGC"));
            if (kind == Kind.S3MOCK) {
                // its HTTPS connector cannot be switched off: give it a free port of its own instead of 9191
                command.addAll(List.of("-jar", jar.toString(), "--server.port=0", "--com.adobe.testing.s3mock.http-port=" + port,
                        "--com.adobe.testing.s3mock.store.root=" + dir.resolve("data"),
                        "--com.adobe.testing.s3mock.store.retain-files-on-exit=false", "--spring.main.banner-mode=off",
                        "--logging.level.root=WARN"));
            } else {
                Path properties = dir.resolve("s3proxy.conf");
                Files.createDirectories(dir.resolve("data"));
                Files.writeString(properties, String.join("\n",
                        "s3proxy.endpoint=http://127.0.0.1:" + port,
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + ACCESS_KEY,
                        "s3proxy.credential=" + SECRET_KEY,
                        "jclouds.provider=filesystem-nio2",
                        "jclouds.filesystem.basedir=" + dir.resolve("data"),
                        "jclouds.identity=" + ACCESS_KEY,
                        "jclouds.credential=" + SECRET_KEY, ""), StandardCharsets.UTF_8);
                command.addAll(List.of("-jar", jar.toString(), "--properties", properties.toString()));
            }
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile());
            S3Server server = new S3Server(kind, builder.start(), dir, port);
            server.awaitUp(Duration.ofSeconds(90));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path jar(Kind kind) {
        Path dir = Path.of(System.getProperty("wharf.s3servers", "target/s3-servers"));
        Path jar = dir.resolve(kind == Kind.S3MOCK ? "s3mock-exec.jar" : "s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            String why = kind + " jar missing at " + jar + " (the pom copies it there at process-test-resources; run mvn test)";
            if (Boolean.getBoolean("wharf.requireClients")) {
                throw new IllegalStateException(why);
            }
            Assumptions.abort(why);
        }
        return jar;
    }

    private void awaitUp(Duration bound) throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(kind + " exited at start (" + process.exitValue() + "): " + logTail());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(5000);
                c.getResponseCode(); // any answer, even 403, means it serves
                c.disconnect();
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        close();
        throw new IOException(kind + " did not answer within " + bound + ": " + logTail());
    }

    private String logTail() {
        try {
            String log = Files.readString(dir.resolve("server.log"));
            return log.substring(Math.max(0, log.length() - 2000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public Kind kind() {
        return kind;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String region() {
        return REGION;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    /** A client of the SDK for what the tests do to the bucket behind Wharf's back. */
    public S3AsyncClient client() {
        return S3AsyncClient.builder().endpointOverride(URI.create(endpoint())).region(Region.of(REGION)).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))).build();
    }

    /** Creates the bucket (a new name per test keeps tests apart on a shared server). */
    public void createBucket(String name) {
        try (S3AsyncClient client = client()) {
            client.createBucket(b -> b.bucket(name)).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (!(e.getCause() instanceof BucketAlreadyOwnedByYouException)) {
                throw e;
            }
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL) and removes its data. */
    @Override
    public void close() {
        Processes.terminate(process, Duration.ofSeconds(10));
        TempDirs.delete(dir);
    }
}
