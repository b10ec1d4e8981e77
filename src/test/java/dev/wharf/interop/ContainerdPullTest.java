package dev.wharf.interop;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.SelfSignedCertificate;
import dev.wharf.testing.TestRegistry;
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
 * and by digest, over HTTPS from a registry whose CA the node's {@code hosts.toml} names, and as the mirror of
 * Docker Hub (containerd then asks for {@code /v2/library/app/manifests/v1?ns=docker.io}). Each pull also
 * unpacks the layers, so the files must come out as they went in.
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

    @Test
    void containerdPullsOverTlsFromARegistryWithItsOwnCa() throws IOException {
        SelfSignedCertificate certificate = SelfSignedCertificate.create(Files.createDirectories(clients.work("tls")));
        try (TestRegistry secure = TestRegistry.start(c -> c.withTls(new WharfConfig.Tls(
                certificate.cert().toString(), certificate.key().toString())))) {
            String host = "127.0.0.1:" + secure.port();
            // skopeo takes the CA from a folder of *.crt files (a *.key there would be read as a client key)
            Path caDir = Files.createDirectories(clients.work("tls-ca"));
            Files.copy(certificate.cert(), caDir.resolve("ca.crt"));
            clients.skopeo().run("copy", "--src-tls-verify=false", "--dest-cert-dir", caDir.toString(),
                    clients.remote("library/app:v1"), "docker://" + host + "/library/app:v1");
            containerd.trust(host, certificate.cert());

            containerd.ctr().run("images", "pull", "--hosts-dir", containerd.hostsDir().toString(),
                    "--snapshotter", "native", host + "/library/app:v1");

            assertEquals(pushed, containerd.digestOf(host + "/library/app:v1"));
            assertUnpacked("layer-2.bin");
        }
    }

    private void assertUnpacked(String file) throws IOException {
        Path unpacked = containerd.unpackedFile(file)
                .orElseThrow(() -> new AssertionError(file + " is in no snapshot of containerd's native snapshotter"));
        assertArrayEquals(Files.readAllBytes(clients.work("context-app").resolve(file)), Files.readAllBytes(unpacked));
    }
}
