package dev.wharf.interop;

import dev.wharf.testing.ExternalClient;
import dev.wharf.testing.Poll;
import dev.wharf.testing.Processes;
import dev.wharf.testing.TempDirs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker Engine of its own for one test class (Debian's {@code docker.io}), started without systemd: its data,
 * exec state, pid file, socket, daemon config and client config all live in one temp folder, which goes when it
 * stops. No network of its own ({@code --bridge=none}, no iptables): containers run with {@code --network none}.
 * The registries it may reach over plain HTTP are named at start ({@code --insecure-registry}).
 */
public final class DockerDaemon implements AutoCloseable {
    private static final Path DOCKERD = Path.of("/usr/sbin/dockerd");
    /** Debian's client, of the daemon's own version, whatever else the PATH holds. */
    private static final Path DOCKER = Path.of("/usr/bin/docker");
    private static final Pattern PUSHED_DIGEST = Pattern.compile("digest: (sha256:[0-9a-f]{64})");
    private static final Pattern PULLED_DIGEST = Pattern.compile("Digest: (sha256:[0-9a-f]{64})");

    private final Path dir;
    private final Process process;

    private DockerDaemon(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /**
     * Starts dockerd trusting the plain-HTTP registries at {@code insecureHosts} (host:port), with
     * {@code mirror} (a URL, or null) as its Docker Hub mirror. Skips (or in CI fails) the test without docker.io.
     */
    public static DockerDaemon start(List<String> insecureHosts, String mirror) {
        ExternalClient.requireAt(DOCKERD, "apt-get install docker.io");
        ExternalClient.requireAt(DOCKER, "apt-get install docker.io");
        try {
            // a short path: the socket's must fit a sockaddr_un (108 bytes)
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "wharf-dockerd-");
            Path daemonConfig = Files.writeString(dir.resolve("daemon.json"), "{}");
            Files.createDirectories(dir.resolve("client"));
            List<String> command = new ArrayList<>(List.of(DOCKERD.toString(),
                    "--config-file", daemonConfig.toString(),
                    "--data-root", dir.resolve("root").toString(),
                    "--exec-root", dir.resolve("exec").toString(),
                    "--pidfile", dir.resolve("docker.pid").toString(),
                    "--host", "unix://" + dir.resolve("docker.sock"),
                    "--storage-driver", "vfs",
                    "--iptables=false", "--ip6tables=false", "--bridge=none",
                    "--log-level", "warn"));
            for (String host : insecureHosts) {
                command.add("--insecure-registry");
                command.add(host);
            }
            if (mirror != null) {
                command.add("--registry-mirror");
                command.add(mirror);
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("dockerd.log").toFile()).start();
            DockerDaemon daemon = new DockerDaemon(dir, process);
            try {
                Poll.until("dockerd answers on " + dir.resolve("docker.sock"), Duration.ofSeconds(60),
                        () -> !process.isAlive() || (Files.exists(dir.resolve("docker.sock"))
                                && daemon.docker().attempt("version").exitCode() == 0));
                if (!process.isAlive()) {
                    throw new IllegalStateException("dockerd exited at start: " + Files.readString(dir.resolve("dockerd.log")));
                }
                return daemon;
            } catch (RuntimeException e) {
                daemon.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The docker client talking to this daemon, with its own credential file. */
    public ExternalClient docker() {
        return ExternalClient.requireAt(DOCKER, "apt-get install docker.io")
                .withEnvironment(Map.of("DOCKER_HOST", "unix://" + dir.resolve("docker.sock"),
                        "DOCKER_CONFIG", dir.resolve("client").toString()))
                .withTimeout(Duration.ofMinutes(3));
    }

    /**
     * Makes {@code name} a base image without any network: a root file system holding the static busybox
     * (Debian's {@code busybox-static}) and its applet links, imported with {@code docker import}.
     */
    void importBase(String name) {
        Path busybox = Path.of("/bin/busybox");
        ExternalClient.requireAt(busybox, "apt-get install busybox-static");
        try {
            Path rootfs = Files.createDirectories(dir.resolve("base-rootfs/bin"));
            Files.copy(busybox, rootfs.resolve("busybox"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            for (String applet : List.of("sh", "echo", "cat", "ls", "mkdir", "true")) {
                Path link = rootfs.resolve(applet);
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, Path.of("busybox"));
            }
            Path tar = dir.resolve("base.tar");
            ExternalClient.require("tar").run("-C", rootfs.getParent().toString(), "-cf", tar.toString(), ".");
            docker().run("import", tar.toString(), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A folder of this daemon's for build contexts and the like. */
    Path workDir(String name) {
        try {
            return Files.createDirectories(dir.resolve("work").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manifest digest {@code docker push} reported. */
    public static String pushedDigest(ExternalClient.Result push) {
        return find(PUSHED_DIGEST, push);
    }

    /** The manifest digest {@code docker pull} reported. */
    public static String pulledDigest(ExternalClient.Result pull) {
        return find(PULLED_DIGEST, pull);
    }

    private static String find(Pattern pattern, ExternalClient.Result result) {
        Matcher m = pattern.matcher(result.output());
        if (!m.find()) {
            throw new AssertionError("no digest in the output of `" + result.command() + "`:\n" + result.output());
        }
        return m.group(1);
    }

    @Override
    public void close() {
        Processes.terminate(process, Duration.ofSeconds(30));
        TempDirs.delete(dir);
    }
}
