package dev.wharf.bench;

import dev.wharf.testing.SelfSignedCertificate;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

/**
 * Starts the registries under comparison: Wharf as its README runs it, CNCF Distribution 3.1.1 (built beside the
 * project) and 2.8.2 (the Debian package). Each can also be started over HTTPS with the benchmark's certificate.
 */
final class Contenders {
    /** Debian's docker-registry package. */
    static final Path DEBIAN_DISTRIBUTION = Path.of("/usr/bin/docker-registry");
    /** Built from its source beside the project; see {@code ../shared/tools/README.md}. */
    static final Path SHARED_DISTRIBUTION = Path.of("../shared/tools/distribution-3.1.1/registry");

    /** A registry that cannot run here, and why: the run goes on without it and the report says so. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    /** A Distribution release: where its binary is and what its process needs in the environment. */
    private record Release(String version, Path binary, Map<String, String> env, String origin) {
        static Release of(String version) {
            return switch (version) {
                // Without this 3.x tries to export traces to localhost:4318 and logs every failure.
                case "3.1.1" -> new Release(version, Path.of(System.getProperty("user.dir")).resolve(SHARED_DISTRIBUTION)
                        .normalize(), Map.of("OTEL_TRACES_EXPORTER", "none"), "built from source, ../shared/tools");
                case "2.8.2" -> new Release(version, DEBIAN_DISTRIBUTION, Map.of(), "Debian package docker-registry");
                default -> throw new IllegalArgumentException("bench.distributions takes 3.1.1 and/or 2.8.2, not " + version);
            };
        }
    }

    private Contenders() {
    }

    /**
     * Wharf with default settings (fsync on) except port, storage root and a loopback-only listener, over HTTPS
     * when {@code tls} is given. Variant {@code default} is the README's run command: the {@code target/wharf}
     * launcher beside the jar, or without it {@code java <TUNED_FLAGS> -jar}; {@code plain} is {@code java -jar}
     * without flags; {@code tuned} is {@code java <bench.tunedFlags> -jar}.
     */
    static Contender wharf(Vertx vertx, String variant, BenchOptions options, SelfSignedCertificate tls) throws IOException {
        return wharf(vertx, variant, options, tls, null);
    }

    /** The same over {@code s3}'s bucket for Wharf when given ({@code WHARF_STORAGE_ROOT} is then its local spool). */
    static Contender wharf(Vertx vertx, String variant, BenchOptions options, SelfSignedCertificate tls, BenchS3 s3)
            throws IOException {
        Path jar = options.wharfJar().toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " is missing: build it with mvn package first");
        }
        Path launcher = jar.resolveSibling("wharf");
        boolean viaLauncher = variant.equals("default") && Files.isRegularFile(launcher) && Files.isExecutable(launcher);
        List<String> command = new ArrayList<>();
        Map<String, String> env = new HashMap<>();
        String description;
        if (viaLauncher) {
            command.add(launcher.toString());
            env.put("JAVA_HOME", System.getProperty("java.home"));
            // Always set, so that a WHARF_JAVA_OPTS of the caller's shell does not slip into the figures.
            env.put("WHARF_JAVA_OPTS", options.wharfJavaOpts());
            description = "`" + display(launcher) + "` (the launcher; JAVA_HOME=" + System.getProperty("java.home")
                    + (options.wharfJavaOpts().isEmpty() ? "" : ", WHARF_JAVA_OPTS=`" + options.wharfJavaOpts() + "`") + ")";
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(switch (variant) {
                case "default", "tuned" -> options.tunedJvmFlags();
                case "plain" -> List.of();
                default -> throw new IllegalArgumentException("bench.jvm takes default, plain and/or tuned, not " + variant);
            });
            command.addAll(options.wharfJavaOptsList());
            command.addAll(List.of("-jar", jar.toString()));
            description = "`java " + String.join(" ", command.subList(1, command.size() - 1)) + " " + display(jar) + "`"
                    + (variant.equals("default") ? " (no executable " + display(launcher) + " launcher)" : "");
        }
        String label = variant.equals("default") ? "Wharf" : "Wharf " + variant;
        Path work = Files.createTempDirectory("wharf-bench-");
        int port = ServerProcess.freePort();
        env.putAll(Map.of(
                "WHARF_HTTP_PORT", Integer.toString(port),
                "WHARF_HTTP_HOST", "127.0.0.1",
                "WHARF_STORAGE_ROOT", work.resolve("root").toString()));
        if (s3 != null) {
            env.putAll(s3.wharfEnv());
            description += ", storage driver s3 (WHARF_STORAGE_DRIVER=s3, bucket " + BenchS3.WHARF_BUCKET + ")";
        }
        if (tls != null) {
            env.put("WHARF_TLS_CERT", tls.cert().toString());
            env.put("WHARF_TLS_KEY", tls.key().toString());
        }
        ServerProcess server = ServerProcess.start(serverLabel(label, tls), command, env, port, work, logFile(options, label, tls),
                tls == null ? null : tls.trustingContext());
        String executable = server.executable();
        if (!executable.endsWith("/java")) {
            server.close();
            throw new IOException(label + " runs " + executable + ", not java: the launcher must exec java, "
                    + "or its CPU time and RSS would be the shell's");
        }
        Path blobs = work.resolve("root").resolve("blobs");
        return new Contender(label, true, description + ", Wharf " + implementationVersion(jar), server,
                new RegistryClient(vertx, port, tls),
                s3 != null ? s3.wharfReclaimer() : Contender.Reclaimer.files(digest -> blobPath(blobs, digest)));
    }

    /**
     * Distribution {@code version} with the filesystem driver, the in-memory blob descriptor cache of Debian's
     * shipped config, deletes on, no auth, no health checks or notifications, warnings only, no access log;
     * over HTTPS when {@code tls} is given. Both releases read the same config format.
     */
    static Contender distribution(Vertx vertx, String version, BenchOptions options, SelfSignedCertificate tls)
            throws IOException, Unavailable {
        return distribution(vertx, version, options, tls, null);
    }

    /**
     * The same over {@code s3}'s bucket for Distribution when given: its s3 driver, path-style over plain HTTP, blob
     * reads proxied (no redirect), everything else as above.
     */
    static Contender distribution(Vertx vertx, String version, BenchOptions options, SelfSignedCertificate tls, BenchS3 s3)
            throws IOException, Unavailable {
        Release release = Release.of(version);
        if (version.equals("2.8.2")) {
            ensureDebianPackage();
        }
        if (!Files.isRegularFile(release.binary()) || !Files.isExecutable(release.binary())) {
            throw new Unavailable("Distribution " + version + " not found at " + release.binary()
                    + " (see ../shared/tools/README.md)");
        }
        Path work = Files.createTempDirectory("distribution-bench-");
        int port = ServerProcess.freePort();
        Path root = work.resolve("root");
        Path config = work.resolve("config.yml");
        String https = tls == null ? "" : """
                  tls:
                    certificate: %s
                    key: %s
                """.formatted(tls.cert(), tls.key());
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: true
                storage:
                %s  delete:
                    enabled: true
                  cache:
                    blobdescriptor: inmemory
                  maintenance:
                    uploadpurging:
                      enabled: false
                http:
                  addr: 127.0.0.1:%d
                  secret: wharf-benchmark-secret
                """.formatted(s3 != null ? s3.distributionStorage() : "  filesystem:\n    rootdirectory: " + root + "\n", port)
                + https);
        String label = distributionLabel(version);
        Map<String, String> env = new HashMap<>(release.env());
        if (s3 != null) {
            // Go's AWS SDK v1 (2.8.2) refuses to start with this machine's AWS_CA_BUNDLE; plain HTTP needs none.
            env.put("AWS_CA_BUNDLE", null);
        }
        ServerProcess server = ServerProcess.start(serverLabel(label, tls), List.of(release.binary().toString(), "serve",
                config.toString()), env, port, work, logFile(options, label, tls), tls == null ? null : tls.trustingContext());
        // Both releases shard blobs as <alg>/<first two hex>/<hex>/data under docker/registry/v2/blobs.
        Path blobs = root.resolve("docker/registry/v2/blobs");
        String description = "`" + display(release.binary()) + " serve config.yml` (" + release.origin() + "; "
                + versionOutput(release.binary()) + ")"
                + (s3 == null ? "" : ", storage driver s3 (bucket " + BenchS3.DISTRIBUTION_BUCKET + ", redirect disabled)");
        return new Contender(label, false, description, server, new RegistryClient(vertx, port, tls),
                s3 != null ? s3.distributionReclaimer() : Contender.Reclaimer.files(digest -> blobPath(blobs, digest)));
    }

    static String distributionLabel(String version) {
        return "Distribution " + version;
    }

    /** Wharf shards blobs like Distribution: {@code <alg>/<first two hex>/<hex>/data}. */
    private static Path blobPath(Path blobs, String digest) {
        String[] parts = digest.split(":", 2);
        return blobs.resolve(parts[0]).resolve(parts[1].substring(0, 2)).resolve(parts[1]).resolve("data");
    }

    private static String serverLabel(String label, SelfSignedCertificate tls) {
        return tls == null ? label : label + " (HTTPS)";
    }

    private static Path logFile(BenchOptions options, String label, SelfSignedCertificate tls) {
        String name = (tls == null ? label : label + " tls").replaceAll("[^A-Za-z0-9.-]+", "-");
        return options.outputDir().resolve("logs").resolve(name + ".log");
    }

    /** A path as the report shows it: relative to the project when inside or beside it. */
    private static String display(Path path) {
        Path project = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(project.getParent()) ? project.relativize(absolute).toString() : absolute.toString();
    }

    private static String implementationVersion(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            String version = file.getManifest() == null ? null : file.getManifest().getMainAttributes().getValue("Implementation-Version");
            return version == null ? "(no version in the jar)" : version;
        } catch (IOException e) {
            return "(unreadable jar: " + e.getMessage() + ")";
        }
    }

    /** What {@code binary --version} prints, for the report: the version the process really is. */
    private static String versionOutput(Path binary) {
        String output = output(List.of(binary.toString(), "--version"));
        return output.replace(binary.toString(), "").strip();
    }

    /** The output of a short command (at most 10 s), stripped; what went wrong instead when it could not run. */
    static String output(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return output.isEmpty() ? "(no output from " + String.join(" ", command) + ")" : output;
        } catch (IOException e) {
            return "(" + String.join(" ", command) + " failed: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    /**
     * Installs the Debian package {@code docker-registry} when its binary is absent (root, or sudo without password).
     * Where apt cannot (no network, no sudo), Distribution 2.8.2 is skipped rather than the run failed.
     */
    private static void ensureDebianPackage() throws Unavailable {
        if (Files.isExecutable(DEBIAN_DISTRIBUTION)) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("apt-get", "install", "-y", "docker-registry"));
        if (!"root".equals(System.getProperty("user.name"))) {
            command.addAll(0, List.of("sudo", "-n"));
        }
        System.out.println("installing CNCF Distribution 2.8.2: " + String.join(" ", command));
        try {
            Process apt = new ProcessBuilder(command).inheritIO().start();
            if (!apt.waitFor(10, TimeUnit.MINUTES)) {
                apt.destroyForcibly();
            }
            if (apt.isAlive() || apt.exitValue() != 0 || !Files.isExecutable(DEBIAN_DISTRIBUTION)) {
                throw new Unavailable("Distribution 2.8.2 is not installed and " + String.join(" ", command) + " failed");
            }
        } catch (IOException e) {
            throw new Unavailable("Distribution 2.8.2 is not installed and apt-get could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("Distribution 2.8.2 install interrupted");
        }
    }
}
