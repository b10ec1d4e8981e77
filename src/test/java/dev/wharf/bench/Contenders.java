package dev.wharf.bench;

import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the registries under comparison: Wharf as {@code java -jar}, CNCF Distribution as the Debian package. */
final class Contenders {
    static final Path DISTRIBUTION_BINARY = Path.of("/usr/bin/docker-registry");

    private Contenders() {
    }

    /**
     * Wharf with default settings (fsync on) except port, storage root and a loopback-only listener.
     * {@code jvmFlags} go before {@code -jar}; an empty list is plain {@code java -jar}.
     */
    static Contender wharf(Vertx vertx, String label, List<String> jvmFlags, BenchOptions options) throws IOException {
        Path jar = options.wharfJar().toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " is missing: build it with mvn package first");
        }
        Path work = Files.createTempDirectory("wharf-bench-");
        int port = ServerProcess.freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", jar.toString()));
        Map<String, String> env = Map.of(
                "WHARF_HTTP_PORT", Integer.toString(port),
                "WHARF_HTTP_HOST", "127.0.0.1",
                "WHARF_STORAGE_ROOT", work.resolve("root").toString());
        ServerProcess server = ServerProcess.start(label, command, env, port, work, logFile(options, label));
        Path blobs = work.resolve("root").resolve("blobs");
        return new Contender(label, true, server, new RegistryClient(vertx, port, null), digest -> blobPath(blobs, digest));
    }

    /**
     * Distribution 2.8 with the filesystem driver, the in-memory blob descriptor cache of the package's
     * shipped config, deletes on, no auth, no health checks or notifications, warnings only, no access log.
     */
    static Contender distribution(Vertx vertx, BenchOptions options) throws IOException, InterruptedException {
        ensureDistributionInstalled();
        Path work = Files.createTempDirectory("distribution-bench-");
        int port = ServerProcess.freePort();
        Path root = work.resolve("root");
        Path config = work.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                  cache:
                    blobdescriptor: inmemory
                  maintenance:
                    uploadpurging:
                      enabled: false
                http:
                  addr: 127.0.0.1:%d
                  secret: wharf-benchmark-secret
                """.formatted(root, port));
        String label = "Distribution";
        ServerProcess server = ServerProcess.start(label, List.of(DISTRIBUTION_BINARY.toString(), "serve", config.toString()),
                Map.of(), port, work, logFile(options, label));
        Path blobs = root.resolve("docker/registry/v2/blobs");
        return new Contender(label, false, server, new RegistryClient(vertx, port, null), digest -> blobPath(blobs, digest));
    }

    /** Both registries shard blobs the same way: {@code <alg>/<first two hex>/<hex>/data}. */
    private static Path blobPath(Path blobs, String digest) {
        String[] parts = digest.split(":", 2);
        return blobs.resolve(parts[0]).resolve(parts[1].substring(0, 2)).resolve(parts[1]).resolve("data");
    }

    private static Path logFile(BenchOptions options, String label) {
        return options.outputDir().resolve("logs").resolve(label.replaceAll("[^A-Za-z0-9.-]+", "-") + ".log");
    }

    /** Installs the Debian package {@code docker-registry} when its binary is absent (root, or sudo without password). */
    private static void ensureDistributionInstalled() throws IOException, InterruptedException {
        if (Files.isExecutable(DISTRIBUTION_BINARY)) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("apt-get", "install", "-y", "docker-registry"));
        if (!"root".equals(System.getProperty("user.name"))) {
            command.addAll(0, List.of("sudo", "-n"));
        }
        System.out.println("installing CNCF Distribution: " + String.join(" ", command));
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (exit != 0 || !Files.isExecutable(DISTRIBUTION_BINARY)) {
            throw new IOException("could not install docker-registry (exit " + exit + ")");
        }
    }
}
