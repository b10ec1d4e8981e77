package dev.wharf.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.testing.ExternalClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** skopeo's read and delete commands: list-tags, inspect, inspect --raw, delete. */
class TagListInspectDeleteTest extends InteropTest {
    private String ociDigest;
    private String dockerDigest;

    /** Two different manifests of one image: v1 in OCI format, v2 in Docker schema 2. */
    @BeforeEach
    void pushTwoTags() {
        images.build("app", 2);
        ociDigest = skopeoPush(clients.local("app"), "shop/app:v1");
        dockerDigest = skopeoPush(clients.local("app"), "shop/app:v2", "--format", "v2s2");
        assertNotEquals(ociDigest, dockerDigest);
    }

    @Test
    void listTagsShowsEveryPushedTag() {
        assertEquals(List.of("v1", "v2"), tags("shop/app"));
    }

    @Test
    void inspectReportsTheDigestLayersAndLabelsOfTheImage() {
        JsonNode inspected = json(clients.skopeo().run("inspect", "--tls-verify=false",
                clients.remote("shop/app:v1")).stdout());

        assertEquals(ociDigest, inspected.path("Digest").asText());
        assertEquals("app", inspected.path("Labels").path("dev.wharf.test").asText());
        assertEquals(layerDigests("shop/app:v1"), strings(inspected.path("Layers")));
        assertEquals(List.of("v1", "v2"), sortedTags(inspected.path("RepoTags")));
    }

    @Test
    void inspectRawReturnsTheExactManifestBytes() {
        assertEquals(ociDigest, sha256(inspectRaw("shop/app:v1")));
        assertEquals(dockerDigest, sha256(inspectRaw("shop/app:v2")));
        assertEquals(dockerDigest, sha256(inspectRaw("shop/app@" + dockerDigest)));
    }

    @Test
    void deleteRemovesTheManifestAndItsTagButNotTheOtherTag() {
        clients.skopeo().run("delete", "--tls-verify=false", clients.remote("shop/app:v1"));

        assertEquals(List.of("v2"), tags("shop/app"));
        assertEquals(404, stored.headManifest("shop/app", ociDigest).statusCode());
        ExternalClient.Result gone = clients.skopeo().attempt("inspect", "--raw", "--tls-verify=false",
                clients.remote("shop/app:v1"));
        assertNotEquals(0, gone.exitCode());
        assertTrue(gone.stderr().contains("manifest unknown"), gone.describe());
        assertEquals(dockerDigest, stored.manifestDigest("shop/app", "v2"));
    }

    private List<String> tags(String repository) {
        JsonNode listed = json(clients.skopeo().run("list-tags", "--tls-verify=false", clients.remote(repository))
                .stdout());
        return sortedTags(listed.path("Tags"));
    }

    /** Sorted: the order of a tag list is not part of the contract. */
    private static List<String> sortedTags(JsonNode array) {
        List<String> tags = strings(array);
        tags.sort(null);
        return tags;
    }
}
