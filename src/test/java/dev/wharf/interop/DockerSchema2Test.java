package dev.wharf.interop;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Docker's image manifest v2 schema 2, as pushed by {@code --format v2s2}, is stored and served unchanged. */
class DockerSchema2Test extends InteropTest {
    private static final String V2S2 = "application/vnd.docker.distribution.manifest.v2+json";

    @BeforeEach
    void buildImage() {
        images.build("app", 2);
    }

    @Test
    void skopeoCopyFormatV2s2IsServedWithTheDockerMediaTypeAndPullsBackByteForByte() throws IOException {
        String pushed = skopeoPush(clients.local("app"), "shop/app:docker", "--format", "v2s2");

        assertServedAsSchema2("shop/app", "docker", pushed);
        JsonNode manifest = json(inspectRaw("shop/app:docker"));
        assertEquals("application/vnd.docker.container.image.v1+json", manifest.path("config").path("mediaType").asText());
        manifest.path("layers").forEach(layer -> assertEquals("application/vnd.docker.image.rootfs.diff.tar.gzip",
                layer.path("mediaType").asText()));

        // The dir: transport keeps the manifest as received, so its bytes must hash to the pushed digest.
        clients.skopeo().run("copy", "--src-tls-verify=false", clients.remote("shop/app:docker"), "dir:pulled");
        assertEquals(pushed, sha256(Files.readAllBytes(clients.work("pulled").resolve("manifest.json"))));
    }

    @Test
    void podmanPushFormatV2s2PullsBackAsTheSameImage() {
        String reference = clients.registryHost() + "/shop/app:docker";
        String imageId = clients.podman().run("image", "inspect", "--format", "{{.Id}}", "localhost/app").stdout().strip();
        String pushed = pushReportingDigest(clients.podman(), List.of("push", "--format", "v2s2", "--tls-verify=false"),
                "localhost/app", reference);
        assertServedAsSchema2("shop/app", "docker", pushed);

        clients.podman().run("rmi", "--all", "--force");
        clients.podman().run("pull", "--tls-verify=false", reference);

        assertEquals(imageId, clients.podman().run("image", "inspect", "--format", "{{.Id}}", reference).stdout().strip(),
                "the same config, so the same image id");
    }

    private void assertServedAsSchema2(String repository, String tag, String digest) {
        Response head = stored.headManifest(repository, tag);
        assertEquals(200, head.statusCode());
        assertEquals(V2S2, head.contentType());
        assertEquals(digest, head.header("Docker-Content-Digest"));
        assertEquals(V2S2, json(inspectRaw(repository + ":" + tag)).path("mediaType").asText());
    }
}
