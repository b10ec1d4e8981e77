package dev.wharf.interop;

import dev.wharf.testing.ExternalClient;
import dev.wharf.testing.TempDirs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Everything the container tools of one test keep, in one temp folder: image storage, configuration, auth
 * file, signature policy, OCI layouts. Nothing is read from or written to the user's home or the system's
 * {@code /var/lib/containers}:
 * <ul>
 *   <li>HOME, XDG folders, TMPDIR and every {@code CONTAINERS_*} file point into the sandbox;</li>
 *   <li>the one path the tools cannot be told about, root's blob-info cache in {@code /var/lib/containers/cache},
 *   is hidden by running each client in a private mount namespace where a sandbox folder is bind-mounted over
 *   {@code /var/lib/containers}. That also keeps the cache, which steers cross-repository mounts, per test.</li>
 * </ul>
 */
final class ClientSandbox implements AutoCloseable {
    private static final Path SYSTEM_STATE = Path.of("/var/lib/containers");
    private static final boolean PRIVATE_MOUNTS = privateMountsWork();

    private final Path dir;

    private ClientSandbox(Path dir) {
        this.dir = dir;
    }

    /** A sandbox whose registries.conf marks {@code registryHost} (host:port) as plain HTTP. */
    static ClientSandbox create(String registryHost) {
        try {
            // Short names on purpose: podman refuses a runroot path longer than 50 characters.
            ClientSandbox sandbox = new ClientSandbox(Files.createTempDirectory("wharf-c"));
            sandbox.writeConfiguration(registryHost);
            return sandbox;
        } catch (IOException e) {
            throw new IllegalStateException("could not lay out the client sandbox", e);
        }
    }

    private void writeConfiguration(String registryHost) throws IOException {
        for (String folder : List.of("home/.config/containers", "registries.d", "run", "tmp", "var-lib-containers", "networks",
                "root", "runroot", "work")) {
            Files.createDirectories(dir.resolve(folder));
        }
        Files.writeString(policy(), """
                {"default": [{"type": "insecureAcceptAnything"}]}
                """);
        Files.writeString(authFile(), "{\"auths\": {}}\n");
        Files.writeString(registriesConf(), """
                unqualified-search-registries = []
                short-name-mode = "disabled"

                [[registry]]
                location = "%s"
                insecure = true
                """.formatted(registryHost));
        Files.writeString(dir.resolve("storage.conf"), """
                [storage]
                driver = "vfs"
                graphroot = "%s"
                runroot = "%s"
                """.formatted(storageRoot(), runRoot()));
        // As root without systemd: cgroupfs, and no journald/file event log outside the sandbox.
        Files.writeString(dir.resolve("containers.conf"), """
                [engine]
                cgroup_manager = "cgroupfs"
                events_logger = "none"
                tmp_dir = "%s"

                [network]
                network_config_dir = "%s"
                """.formatted(dir.resolve("run"), dir.resolve("networks")));
    }

    /** Gives {@code client} the sandbox's environment, namespace and working folder. */
    ExternalClient enclose(ExternalClient client) {
        ExternalClient configured = client.withEnvironment(environment()).inDirectory(work());
        if (!PRIVATE_MOUNTS) {
            return configured;
        }
        return configured.withLauncher(List.of("unshare", "--mount", "--propagation", "private", "--",
                "sh", "-c", "mount --bind \"$0\" " + SYSTEM_STATE + " && exec \"$@\"",
                dir.resolve("var-lib-containers").toString()));
    }

    private Map<String, String> environment() {
        Path home = dir.resolve("home");
        return Map.of(
                "HOME", home.toString(),
                "XDG_CONFIG_HOME", home.resolve(".config").toString(),
                "XDG_DATA_HOME", home.resolve(".local/share").toString(),
                "XDG_RUNTIME_DIR", dir.resolve("run").toString(),
                "TMPDIR", tmpDir().toString(),
                "CONTAINERS_CONF", dir.resolve("containers.conf").toString(),
                "CONTAINERS_REGISTRIES_CONF", registriesConf().toString(),
                "CONTAINERS_STORAGE_CONF", dir.resolve("storage.conf").toString(),
                "REGISTRY_AUTH_FILE", authFile().toString());
    }

    /** Where layouts, build contexts and digest files of the test go; the clients' working folder. */
    Path work() {
        return dir.resolve("work");
    }

    Path storageRoot() {
        return dir.resolve("root");
    }

    Path runRoot() {
        return dir.resolve("runroot");
    }

    /** The permissive signature policy; also found by the tools on their own as $HOME/.config/containers. */
    Path policy() {
        return dir.resolve("home/.config/containers/policy.json");
    }

    Path registriesConf() {
        return dir.resolve("registries.conf");
    }

    /** Per-registry signature storage settings: none, so nothing is looked up in /etc/containers. */
    Path registriesD() {
        return dir.resolve("registries.d");
    }

    Path tmpDir() {
        return dir.resolve("tmp");
    }

    Path authFile() {
        return dir.resolve("auth.json");
    }

    Path runDir() {
        return dir.resolve("run");
    }

    @Override
    public void close() {
        TempDirs.delete(dir);
    }

    /**
     * Whether this process may make private mount namespaces (root, or a container with CAP_SYS_ADMIN). The
     * bind-mount target must exist; an empty {@code /var/lib/containers} is what the tools would create anyway.
     */
    private static boolean privateMountsWork() {
        if (!ExternalClient.installed("unshare")) {
            return false;
        }
        try {
            Files.createDirectories(SYSTEM_STATE);
            Process probe = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "--", "true")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
