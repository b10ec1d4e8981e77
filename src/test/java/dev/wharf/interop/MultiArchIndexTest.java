package dev.wharf.interop;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An image index of two platforms goes in and out whole: the index and every image it lists. */
class MultiArchIndexTest extends InteropTest {
    @BeforeEach
    void buildTwoPlatformList() {
        images.build("app-amd64", 1);
        images.build("app-arm64", 2);
        clients.buildah().run("manifest", "create", "app-list");
        clients.buildah().run("manifest", "add", "--os", "linux", "--arch", "amd64", "app-list",
                clients.local("app-amd64"));
        clients.buildah().run("manifest", "add", "--os", "linux", "--arch", "arm64", "app-list",
                clients.local("app-arm64"));
    }

    @Test
    void buildahManifestPushAllStoresTheIndexAndCopyAllPullsItBack() {
        String index = pushReportingDigest(clients.buildah(), List.of("manifest", "push", "--all", "--tls-verify=false"),
                "app-list", clients.remote("shop/app:multi"));
        assertEquals(index, stored.manifestDigest("shop/app", "multi"));
        String rawText = inspectRaw("shop/app:multi");
        assertEquals(index, sha256(rawText), "inspect --raw gives the exact bytes");
        JsonNode raw = json(rawText);
        assertTrue(raw.path("mediaType").asText().matches(".*(index|list).*"), "an index: " + rawText);
        assertEquals(List.of("amd64", "arm64"), ImageIndexes.architectures(raw));
        for (JsonNode child : raw.path("manifests")) {
            String digest = child.path("digest").asText();
            assertEquals(digest, stored.manifestDigest("shop/app", digest), "child manifest by digest");
        }

        clients.skopeo().run("copy", "--all", "--preserve-digests", "--src-tls-verify=false",
                clients.remote("shop/app:multi"), "oci:pulled:multi");
        OciLayout pulled = new OciLayout(clients.work("pulled"));
        assertEquals(index, pulled.digestOf("multi"));
        List<String> children = pulled.children(index);
        assertEquals(2, children.size());
        for (String child : children) {
            for (String layer : pulled.layers(child)) {
                assertEquals(layer, sha256(pulled.blob(layer)), "every layer of every platform was pulled");
            }
        }
    }

    @Test
    void ociLayoutHoldingAnIndexCopiesInWithMultiArchAllAndServesEachPlatform() {
        clients.buildah().run("manifest", "push", "--all", "app-list", "oci:layout:multi");
        OciLayout layout = new OciLayout(clients.work("layout"));
        String index = layout.digestOf("multi");

        clients.skopeo().run("copy", "--multi-arch", "all", "--preserve-digests", "--dest-tls-verify=false",
                "oci:layout:multi", clients.remote("shop/app:multi"));

        assertEquals(index, stored.manifestDigest("shop/app", "multi"));
        String arm = ImageIndexes.imageFor(layout.json(index), "arm64");
        clients.skopeo().run("--override-arch", "arm64", "copy", "--src-tls-verify=false",
                clients.remote("shop/app:multi"), "oci:arm:only");
        assertEquals(arm, new OciLayout(clients.work("arm")).digestOf("only"),
                "the arm64 pull resolves the index to the arm64 image");
    }

    @Test
    void dockerManifestListIsServedWithItsMediaTypeAndResolvesPerPlatform() {
        String list = pushReportingDigest(clients.buildah(),
                List.of("manifest", "push", "--all", "--format", "v2s2", "--tls-verify=false"),
                "app-list", clients.remote("shop/app:list"));

        assertEquals("application/vnd.docker.distribution.manifest.list.v2+json",
                stored.headManifest("shop/app", "list").contentType());
        assertEquals(list, stored.manifestDigest("shop/app", "list"));
        JsonNode raw = json(inspectRaw("shop/app:list"));
        assertEquals(List.of("amd64", "arm64"), ImageIndexes.architectures(raw));
        for (String arch : List.of("amd64", "arm64")) {
            JsonNode inspected = json(clients.skopeo().run("--override-arch", arch, "inspect", "--tls-verify=false",
                    clients.remote("shop/app:list")).stdout());
            // skopeo's "Digest" is the list's own; the layers tell which image it resolved to (1 vs 2 layers).
            String image = ImageIndexes.imageFor(raw, arch);
            assertEquals(layerDigests("shop/app@" + image), strings(inspected.path("Layers")),
                    arch + " resolves to its image");
        }
    }
}
