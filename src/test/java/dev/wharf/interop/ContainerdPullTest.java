package dev.wharf.interop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * containerd, the image service under most Kubernetes nodes, pulls from Wharf: as a plain-HTTP registry by tag
 * and by digest, and as the mirror of Docker Hub that a node's {@code hosts.toml} names (containerd then asks
 * for {@code /v2/library/app/manifests/v1?ns=docker.io}). Each pull also unpacks the layers, so the files
 * must come out as they went in.
 */
class ContainerdPullTest extends InteropTest {
    private ContainerdDaemon containerd;
    private String pushed;

    @BeforeEach
    void pushImageAndStartContainerd() {
        images.build("app", 2);
        pushed = skopeoPush(clients.local("app"), "library/app:v1");
        containerd = ContainerdDaemon.start(clients.work("containerd"));
    }

    @AfterEach
    void stopContainerd() {
        if (containerd != null) {
            containerd.close();
        }
    }

    @Test
    void containerdPullsAndUnpacksAnImageByTagOverPlainHttp() throws IOException {
        String reference = clients.registryHost() + "/library/app:v1";

        containerd.ctr().run("images", "pull", "--plain-http", "--snapshotter", "native", reference);

        assertEquals(pushed, containerd.digestOf(reference));
        assertUnpacked("layer-1.bin");
        assertUnpacked("layer-2.bin");
    }

    @Test
    void containerdPullsAnImageByDigest() throws IOException {
        String reference = clients.registryHost() + "/library/app@" + pushed;

        containerd.ctr().run("images", "pull", "--plain-http", "--snapshotter", "native", reference);

        assertEquals(pushed, containerd.digestOf(reference));
        assertUnpacked("layer-2.bin");
    }

    @Test
    void containerdUsesWharfAsTheMirrorOfDockerHub() throws IOException {
        containerd.mirror("docker.io", "http://" + clients.registryHost());

        containerd.ctr().run("images", "pull", "--hosts-dir", containerd.hostsDir().toString(),
                "--snapshotter", "native", "docker.io/library/app:v1");

        // Docker Hub has no library/app:v1 (and this machine cannot reach it): the image can only be Wharf's.
        assertEquals(pushed, containerd.digestOf("docker.io/library/app:v1"));
        assertUnpacked("layer-1.bin");
    }

    private void assertUnpacked(String file) throws IOException {
        Path unpacked = containerd.unpackedFile(file)
                .orElseThrow(() -> new AssertionError(file + " is in no snapshot of containerd's native snapshotter"));
        assertArrayEquals(Files.readAllBytes(clients.work("context-app").resolve(file)), Files.readAllBytes(unpacked));
    }
}
