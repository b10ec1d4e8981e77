package dev.wharf.interop;

import dev.wharf.testing.ExternalClient;
import dev.wharf.testing.Poll;
import dev.wharf.testing.Processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A containerd of its own for one test, as a Kubernetes node runs it but with nothing of the host's: its root,
 * state, socket and registry host configuration all live in one folder, the CRI plugin is off (only the image
 * service is used), and images unpack with the native snapshotter, which needs no mounts.
 */
public final class ContainerdDaemon implements AutoCloseable {
    private final Path dir;
    private final Process process;

    private ContainerdDaemon(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /** Starts containerd over {@code dir}; skips (or in CI fails) the test when containerd is not installed. */
    public static ContainerdDaemon start(Path dir) {
        ExternalClient.require("containerd");
        ExternalClient.require("ctr", "containerd");
        try {
            Files.createDirectories(dir.resolve("hosts"));
            Path config = Files.writeString(dir.resolve("config.toml"), """
                    version = 2
                    root = "%1$s/root"
                    state = "%1$s/state"
                    disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
                      "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
                      "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.overlayfs"]
                    [grpc]
                      address = "%1$s/c.sock"
                    [ttrpc]
                      address = "%1$s/c.sock.ttrpc"
                    [plugins."io.containerd.internal.v1.opt"]
                      path = "%1$s/opt"
                    """.formatted(dir));
            Process process = new ProcessBuilder("containerd", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
            ContainerdDaemon daemon = new ContainerdDaemon(dir, process);
            try {
                Poll.until("containerd listens on " + dir.resolve("c.sock"),
                        () -> !process.isAlive() || Files.exists(dir.resolve("c.sock")));
                if (!process.isAlive()) {
                    throw new IllegalStateException("containerd exited at start: " + Files.readString(dir.resolve("containerd.log")));
                }
                daemon.ctr().run("version");
                return daemon;
            } catch (RuntimeException e) {
                daemon.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ctr} talking to this containerd. */
    public ExternalClient ctr() {
        return ExternalClient.require("ctr", "containerd").withArguments("--address", dir.resolve("c.sock").toString());
    }

    /**
     * Makes {@code mirror} the first host containerd tries for {@code registry} (a {@code hosts.toml} in the
     * folder given to {@code --hosts-dir}), with the real registry left as the fallback, as a node configures
     * a pull-through mirror.
     */
    void mirror(String registry, String mirror) {
        writeHosts(registry, """
                server = "https://%s"

                [host."%s"]
                  capabilities = ["pull", "resolve"]
                """.formatted(registry.equals("docker.io") ? "registry-1.docker.io" : registry, mirror));
    }

    /** Makes containerd reach {@code host} (host:port) over HTTPS, trusting {@code ca} as that host's CA. */
    void trust(String host, Path ca) {
        writeHosts(host, """
                server = "https://%1$s"

                [host."https://%1$s"]
                  capabilities = ["pull", "resolve"]
                  ca = "%2$s"
                """.formatted(host, ca));
    }

    private void writeHosts(String registry, String toml) {
        try {
            Files.writeString(Files.createDirectories(hostsDir().resolve(registry)).resolve("hosts.toml"), toml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path hostsDir() {
        return dir.resolve("hosts");
    }

    /** The manifest digest containerd recorded for an image it pulled, from {@code ctr images ls}. */
    public String digestOf(String reference) {
        for (String line : ctr().run("images", "ls").stdout().split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 3 && columns[0].equals(reference)) {
                return columns[2];
            }
        }
        throw new AssertionError("containerd has no image " + reference);
    }

    /** A file as unpacked into one of the native snapshotter's snapshots, if any snapshot has it. */
    public Optional<Path> unpackedFile(String name) {
        Path snapshots = dir.resolve("root/io.containerd.snapshotter.v1.native/snapshots");
        if (!Files.isDirectory(snapshots)) {
            return Optional.empty();
        }
        try (Stream<Path> each = Files.list(snapshots)) {
            return each.map(snapshot -> snapshot.resolve(name)).filter(Files::isRegularFile).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        Processes.terminate(process, Duration.ofSeconds(20));
    }
}
