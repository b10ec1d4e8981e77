package dev.wharf.interop;

import dev.wharf.testing.ExternalClient;
import dev.wharf.testing.TestRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The container tools of one test, each aimed at the test's sandbox and one registry (a Wharf, or the proxy in
 * front of {@code dev.wharf.replicas}' replicas): vfs image storage under the sandbox, the permissive policy,
 * plain HTTP. A missing tool skips (or, in CI, fails) the test on first use.
 */
public final class ContainerClients implements AutoCloseable {
    private final ClientSandbox sandbox;
    private final String registryHost;

    ContainerClients(TestRegistry registry) {
        this("127.0.0.1:" + registry.port());
    }

    /** Clients whose sandbox reaches {@code registryHost} (host:port) over plain HTTP. */
    public ContainerClients(String registryHost) {
        this.registryHost = registryHost;
        this.sandbox = ClientSandbox.create(registryHost);
    }

    public ExternalClient skopeo() {
        // skopeo 1.9 reads /etc/containers/registries.conf whatever CONTAINERS_REGISTRIES_CONF says; its
        // (hidden) --registries-conf does take the sandbox's file.
        return sandbox.enclose(ExternalClient.require("skopeo"))
                .withArguments("--policy", sandbox.policy().toString(), "--insecure-policy",
                        "--registries-conf", sandbox.registriesConf().toString(),
                        "--registries.d", sandbox.registriesD().toString(),
                        "--tmpdir", sandbox.tmpDir().toString());
    }

    ExternalClient buildah() {
        return sandbox.enclose(ExternalClient.require("buildah")).withArguments(storageOptions());
    }

    public ExternalClient podman() {
        return sandbox.enclose(ExternalClient.require("podman")).withArguments(storageOptions())
                .withArguments("--cgroup-manager", "cgroupfs", "--events-backend", "none",
                        "--tmpdir", sandbox.runDir().toString());
    }

    ExternalClient umoci() {
        return sandbox.enclose(ExternalClient.require("umoci"));
    }

    private String[] storageOptions() {
        return new String[] {"--root", sandbox.storageRoot().toString(), "--runroot", sandbox.runRoot().toString(),
                "--storage-driver", "vfs"};
    }

    /** host:port of the registry, as image references name it. */
    public String registryHost() {
        return registryHost;
    }

    /** {@code repository:tag} or {@code repository@digest} in the registry, for skopeo's docker transport. */
    public String remote(String reference) {
        return "docker://" + registryHost + "/" + reference;
    }

    /** A locally built image in the sandbox's storage, for skopeo's containers-storage transport. */
    String local(String image) {
        return "containers-storage:[vfs@" + sandbox.storageRoot() + "+" + sandbox.runRoot() + "]localhost/" + image;
    }

    /**
     * A path in the clients' working folder, where a relative layout such as {@code oci:source:v1} lands; for
     * OCI layouts, build contexts and digest files. It is not created.
     */
    public Path work(String name) {
        return sandbox.work().resolve(name);
    }

    /** The digest a client wrote with {@code --digestfile}. */
    public static String readDigestFile(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        sandbox.close();
    }
}
