package dev.wharf.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.testing.Blobs;
import dev.wharf.manifest.MediaTypes;
import dev.wharf.testing.Images;
import dev.wharf.testing.RegistryTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.wharf.testing.Images.descriptor;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ManifestEndpointTest extends RegistryTest {
    private static final String REPO = "team/manifests";

    /** Pushes a config and a layer to {@code REPO} and returns a manifest of {@code mediaType} over them. */
    private static ObjectNode imageOver(String mediaType, String configType, String layerType, long seed) {
        byte[] config = ("{\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8);
        byte[] layer = Blobs.content(200, seed);
        Blobs.push(registry, REPO, config);
        Blobs.push(registry, REPO, layer);
        return Images.manifest(mediaType, descriptor(configType, config), descriptor(layerType, layer));
    }

    private static void assertServedAsPushed(String reference, String mediaType, byte[] body) {
        String digest = Blobs.sha256(body);
        byte[] served = registry.given().get("/v2/" + REPO + "/manifests/" + reference).then().statusCode(200)
                .header("Content-Type", mediaType).header("Docker-Content-Digest", digest)
                .header("Content-Length", String.valueOf(body.length)).extract().asByteArray();
        assertArrayEquals(body, served);
        registry.given().head("/v2/" + REPO + "/manifests/" + reference).then().statusCode(200)
                .header("Content-Type", mediaType).header("Docker-Content-Digest", digest)
                .header("Content-Length", String.valueOf(body.length));
    }

    @Test
    void ociImageManifestIsStoredAndServedByTagAndDigest() {
        ObjectNode manifest = imageOver(MediaTypes.OCI_MANIFEST, Images.OCI_CONFIG, Images.OCI_LAYER, 1);
        byte[] body = Images.bytes(manifest);
        String digest = Blobs.sha256(body);
        registry.given().contentType(MediaTypes.OCI_MANIFEST).body(body).put("/v2/" + REPO + "/manifests/oci").then()
                .statusCode(201).header("Location", "/v2/" + REPO + "/manifests/" + digest)
                .header("Docker-Content-Digest", digest);
        assertServedAsPushed("oci", MediaTypes.OCI_MANIFEST, body);
        assertServedAsPushed(digest, MediaTypes.OCI_MANIFEST, body);
    }

    @Test
    void dockerSchema2ManifestIsStoredWithItsMediaType() {
        ObjectNode manifest = imageOver(MediaTypes.DOCKER_MANIFEST, "application/vnd.docker.container.image.v1+json",
                "application/vnd.docker.image.rootfs.diff.tar.gzip", 2);
        Images.put(registry, REPO, "docker", manifest);
        assertServedAsPushed("docker", MediaTypes.DOCKER_MANIFEST, Images.bytes(manifest));
    }

    @Test
    void ociIndexAndDockerManifestListAreStored() {
        ObjectNode child = imageOver(MediaTypes.OCI_MANIFEST, Images.OCI_CONFIG, Images.OCI_LAYER, 3);
        byte[] childBody = Images.bytes(child);
        Images.put(registry, REPO, Blobs.sha256(childBody), MediaTypes.OCI_MANIFEST, childBody);
        ObjectNode childDescriptor = descriptor(MediaTypes.OCI_MANIFEST, childBody);
        childDescriptor.putObject("platform").put("architecture", "amd64").put("os", "linux");

        ObjectNode index = Images.index(MediaTypes.OCI_INDEX, childDescriptor);
        Images.put(registry, REPO, "index", index);
        assertServedAsPushed("index", MediaTypes.OCI_INDEX, Images.bytes(index));

        ObjectNode list = Images.index(MediaTypes.DOCKER_MANIFEST_LIST, childDescriptor);
        Images.put(registry, REPO, "list", list);
        assertServedAsPushed("list", MediaTypes.DOCKER_MANIFEST_LIST, Images.bytes(list));
    }

    @Test
    void ociArtifactWithTheEmptyConfigIsStored() {
        Images.pushEmptyConfig(registry, REPO);
        ObjectNode artifact = Images.artifact("application/vnd.example.sbom", null);
        Images.put(registry, REPO, "sbom", artifact);
        assertServedAsPushed("sbom", MediaTypes.OCI_MANIFEST, Images.bytes(artifact));
    }

    @Test
    void oddWhitespaceIsKeptByteForByte() {
        ObjectNode manifest = imageOver(MediaTypes.OCI_MANIFEST, Images.OCI_CONFIG, Images.OCI_LAYER, 4);
        String spaced = "\n  {\"schemaVersion\" :\t2 ,\r\n   \"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\n"
                + "\"config\"  :  " + manifest.get("config") + " ,  \"layers\":[ " + manifest.get("layers").get(0)
                + "\t]\n}   \n\n";
        byte[] body = spaced.getBytes(StandardCharsets.UTF_8);
        String digest = Images.put(registry, REPO, "spaced", MediaTypes.OCI_MANIFEST, body);
        assertEquals(Blobs.sha256(body), digest);
        assertServedAsPushed("spaced", MediaTypes.OCI_MANIFEST, body);
    }

    @Test
    void manifestWithASubjectAnswersWithOciSubject() {
        Images.Image subject = Images.push(registry, REPO, "signed", 5);
        Images.pushEmptyConfig(registry, REPO);
        ObjectNode signature = Images.artifact("application/vnd.example.signature",
                descriptor(MediaTypes.OCI_MANIFEST, subject.manifest()));
        registry.given().contentType(MediaTypes.OCI_MANIFEST).body(Images.bytes(signature))
                .put("/v2/" + REPO + "/manifests/" + Blobs.sha256(Images.bytes(signature))).then().statusCode(201)
                .header("OCI-Subject", subject.digest());
    }

    @Test
    void unknownManifestIs404ManifestUnknown() {
        Images.push(registry, REPO, "present", 6);
        registry.given().get("/v2/" + REPO + "/manifests/absent").then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        registry.given().get("/v2/" + REPO + "/manifests/" + Blobs.sha256(new byte[]{1})).then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        registry.given().head("/v2/" + REPO + "/manifests/absent").then().statusCode(404);
    }

    @Test
    void manifestOfAnotherRepositoryIsUnknownHere() {
        Images.Image image = Images.push(registry, "team/elsewhere", "v1", 7);
        Images.push(registry, REPO, "mine", 8);
        registry.given().get("/v2/" + REPO + "/manifests/" + image.digest()).then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
    }

    @Test
    void pushingAgainMovesTheTag() {
        Images.Image first = Images.push(registry, REPO, "moving", 9);
        Images.Image second = Images.push(registry, REPO, "moving", 10);
        registry.given().get("/v2/" + REPO + "/manifests/moving").then().statusCode(200)
                .header("Docker-Content-Digest", second.digest());
        registry.given().get("/v2/" + REPO + "/manifests/" + first.digest()).then().statusCode(200);
    }

    @Test
    void manifestPushedBySha512DigestIsServedUnderIt() {
        byte[] body = Images.bytes(imageOver(MediaTypes.OCI_MANIFEST, Images.OCI_CONFIG, Images.OCI_LAYER, 11));
        String digest = Blobs.sha512(body);
        registry.given().contentType(MediaTypes.OCI_MANIFEST).body(body).put("/v2/" + REPO + "/manifests/" + digest).then()
                .statusCode(201).header("Docker-Content-Digest", digest);
        assertArrayEquals(body, registry.given().get("/v2/" + REPO + "/manifests/" + digest).then().statusCode(200)
                .header("Docker-Content-Digest", digest).extract().asByteArray());
    }

    @Test
    void tornManifestPushStoresNothing() throws java.io.IOException {
        byte[] body = Images.bytes(imageOver(MediaTypes.OCI_MANIFEST, Images.OCI_CONFIG, Images.OCI_LAYER, 12));
        dev.wharf.testing.RawHttp.sendAndHangUp(registry, "PUT /v2/" + REPO + "/manifests/torn",
                java.util.Arrays.copyOf(body, body.length / 2), "Content-Type: " + MediaTypes.OCI_MANIFEST,
                "Content-Length: " + body.length);
        registry.given().get("/v2/" + REPO + "/manifests/torn").then().statusCode(404);
        registry.given().get("/v2/" + REPO + "/manifests/" + Blobs.sha256(body)).then().statusCode(404);
    }
}
