package dev.wharf.replicas;

import dev.wharf.interop.ContainerClients;
import dev.wharf.interop.ContainerdDaemon;
import dev.wharf.interop.DockerDaemon;
import dev.wharf.interop.OciLayout;
import dev.wharf.testing.ExternalClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real clients push an image through the round-robin proxy in front of three replicas and pull it back through
 * it: each request of the push and of the pull may land on any replica (upload sessions, blobs and tags must be
 * shared through the bucket). The pulled image must be the pushed one, and each replica must serve it directly.
 * The clients are {@code dev.wharf.interop}'s, each test's in a sandbox of its own and aimed at the proxy.
 */
@Tag("interop")
class ClientsThroughProxyTest {
    private static Replicas replicas;
    private static RoundRobinProxy proxy;
    private ContainerClients clients;
    private ContainerdDaemon containerd;
    private DockerDaemon dockerd;
    private long[] servedBefore;

    @BeforeAll
    static void startReplicasAndProxy() throws Exception {
        replicas = Replicas.start(3);
        proxy = RoundRobinProxy.start(replicas.portSuppliers());
    }

    @AfterAll
    static void stopReplicasAndProxy() {
        if (proxy != null) {
            proxy.close();
        }
        if (replicas != null) {
            replicas.close();
        }
    }

    @BeforeEach
    void sandbox() {
        clients = new ContainerClients(proxy.host());
        servedBefore = new long[replicas.count()];
        for (int i = 0; i < replicas.count(); i++) {
            servedBefore[i] = proxy.served(i);
        }
    }

    @AfterEach
    void everyReplicaServedPartOfTheTest(TestInfo test) {
        try {
            for (int i = 0; i < replicas.count(); i++) {
                assertTrue(proxy.served(i) > servedBefore[i], test.getDisplayName() + ": replica " + i
                        + " served none of the requests; counts " + proxy.counts());
            }
        } finally {
            if (containerd != null) {
                containerd.close();
            }
            if (dockerd != null) {
                dockerd.close();
            }
            clients.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void skopeoCopiesAnImageInAndOutThroughReplicasTakingTurns() throws IOException {
        PayloadImage image = PayloadImage.write(clients.work("image"), "v1", null, 11, 700 * 1024);
        Path digestFile = clients.work("pushed.digest");
        clients.skopeo().run("copy", "--dest-tls-verify=false", "--digestfile", digestFile.toString(),
                image.ociReference("v1"), clients.remote("skopeo/app:v1"));
        assertEquals(image.manifestDigest(), ContainerClients.readDigestFile(digestFile),
                "skopeo pushed the layout's manifest as is");

        Path out = clients.work("pulled");
        clients.skopeo().run("copy", "--src-tls-verify=false", clients.remote("skopeo/app:v1"), "oci:" + out + ":v1");

        OciLayout pulled = new OciLayout(out);
        assertEquals(image.manifestDigest(), pulled.digestOf("v1"));
        assertArrayEquals(Files.readAllBytes(image.layout().resolve("blobs/sha256/" + image.layerDigest().substring(7))),
                pulled.blob(image.layerDigest()), "the layer came back byte for byte");
        Verify.imageOnAllLive(replicas, "skopeo/app", image.manifestDigest(), "after skopeo's push");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void podmanPushesAndPullsBackTheSameImageThroughReplicasTakingTurns() {
        PayloadImage image = PayloadImage.write(clients.work("image"), "v1", null, 22, 600 * 1024);
        ExternalClient podman = clients.podman();
        podman.run("pull", image.ociReference("v1"));
        String imageId = podman.run("image", "inspect", "--format", "{{.Id}}", image.configDigest()).stdout().strip();
        assertEquals(image.configDigest(), "sha256:" + imageId, "podman's image id is the config's digest");
        String reference = proxy.host() + "/podman/app:v1";
        Path digestFile = clients.work("pushed.digest");
        podman.run("push", "--tls-verify=false", "--digestfile", digestFile.toString(), imageId, reference);
        String pushed = ContainerClients.readDigestFile(digestFile);

        podman.run("rmi", "--all", "--force");
        assertTrue(podman.run("images", "--quiet").stdout().isBlank(), "podman's storage is empty before the pull");
        podman.run("pull", "--tls-verify=false", reference);

        assertEquals(imageId, podman.run("image", "inspect", "--format", "{{.Id}}", reference).stdout().strip(),
                "the pulled image has the pushed config, so the same layer diff ids");
        assertEquals(pushed, podman.run("image", "inspect", "--format", "{{.Digest}}", reference).stdout().strip());
        Verify.imageOnAllLive(replicas, "podman/app", pushed, "after podman's push");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void containerdPushesAndPullsBackTheSameImageThroughReplicasTakingTurns() throws IOException {
        String reference = proxy.host() + "/ctr/app:v1";
        PayloadImage image = PayloadImage.write(clients.work("image"), "v1", reference, 33, 500 * 1024);
        containerd = ContainerdDaemon.start(clients.work("containerd"));
        ExternalClient ctr = containerd.ctr();
        ctr.run("images", "import", "--no-unpack", image.layoutArchive().toString());
        assertEquals(image.manifestDigest(), containerd.digestOf(reference));

        ctr.run("images", "push", "--plain-http", reference);
        Verify.imageOnAllLive(replicas, "ctr/app", image.manifestDigest(), "after containerd's push");

        ctr.run("images", "rm", "--sync", reference);
        ctr.run("images", "pull", "--plain-http", "--snapshotter", "native", reference);

        assertEquals(image.manifestDigest(), containerd.digestOf(reference));
        Path unpacked = containerd.unpackedFile(PayloadImage.FILE)
                .orElseThrow(() -> new AssertionError(PayloadImage.FILE + " is in no snapshot of containerd's native snapshotter"));
        assertArrayEquals(image.payload(), Files.readAllBytes(unpacked), "the layer unpacked to the pushed file");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void dockerEnginePushesAndPullsBackTheSameImageThroughReplicasTakingTurns() throws IOException {
        PayloadImage image = PayloadImage.write(clients.work("image"), "v1", null, 44, 800 * 1024);
        dockerd = DockerDaemon.start(List.of(proxy.host()), null);
        ExternalClient docker = dockerd.docker();
        String reference = proxy.host() + "/docker/app:v1";
        docker.run("import", image.layerTar().toString(), reference);
        String imageId = docker.run("image", "inspect", "--format", "{{.Id}}", reference).stdout().strip();

        String pushed = DockerDaemon.pushedDigest(docker.run("push", reference));
        Verify.imageOnAllLive(replicas, "docker/app", pushed, "after docker's push");
        docker.run("rmi", reference);
        assertTrue(docker.run("images", "--quiet").stdout().isBlank(), "docker has no image before the pull");
        String pulled = DockerDaemon.pulledDigest(docker.run("pull", reference));

        assertEquals(pushed, pulled);
        assertEquals(imageId, docker.run("image", "inspect", "--format", "{{.Id}}", reference).stdout().strip(),
                "the pulled image has the pushed config, so the same layer diff ids");
        // the import has no command; create only needs one to name, the container never runs
        String container = docker.run("create", "--entrypoint", "/" + PayloadImage.FILE, reference).stdout().strip();
        Path copied = Files.createDirectories(clients.work("copied"));
        docker.run("cp", container + ":/" + PayloadImage.FILE, copied.toString());
        try {
            assertArrayEquals(image.payload(), Files.readAllBytes(copied.resolve(PayloadImage.FILE)));
        } catch (IOException e) {
            throw new AssertionError("docker cp wrote no " + PayloadImage.FILE, e);
        }
    }
}
