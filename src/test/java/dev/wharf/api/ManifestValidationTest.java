package dev.wharf.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.testing.Blobs;
import dev.wharf.manifest.MediaTypes;
import dev.wharf.testing.Images;
import dev.wharf.testing.RegistryTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static dev.wharf.testing.Images.descriptor;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ManifestValidationTest extends RegistryTest {
    private static final String REPO = "team/validation";
    private static final int FOUR_MIB = 4 * 1024 * 1024;
    private static byte[] config;
    private static byte[] layer;

    @BeforeAll
    static void pushBlobs() {
        config = "{\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        layer = Blobs.content(100, 1);
        Blobs.push(registry, REPO, config);
        Blobs.push(registry, REPO, layer);
    }

    private static ObjectNode valid() {
        return Images.manifest(MediaTypes.OCI_MANIFEST, descriptor(Images.OCI_CONFIG, config), descriptor(Images.OCI_LAYER, layer));
    }

    private static void assertRejected(String contentType, byte[] body, String code) {
        registry.given().contentType(contentType).body(body).put("/v2/" + REPO + "/manifests/rejected").then()
                .statusCode(400)
                .body("errors[0].code", equalTo(code));
        assertFalse(Files.exists(Blobs.file(registry, Blobs.sha256(body))), "a rejected manifest is not stored");
    }

    private static void assertRejected(ObjectNode manifest, String code) {
        assertRejected(MediaTypes.OCI_MANIFEST, Images.bytes(manifest), code);
    }

    @Test
    void invalidJsonIsManifestInvalid() {
        assertRejected(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\": 2, ".getBytes(StandardCharsets.UTF_8), "MANIFEST_INVALID");
        assertRejected(MediaTypes.OCI_MANIFEST, "[1,2]".getBytes(StandardCharsets.UTF_8), "MANIFEST_INVALID");
    }

    @Test
    void wrongSchemaVersionIsManifestInvalid() {
        assertRejected(valid().put("schemaVersion", 1), "MANIFEST_INVALID");
        assertRejected(valid().put("schemaVersion", 3), "MANIFEST_INVALID");
    }

    @Test
    void mediaTypeThatDisagreesWithContentTypeIsManifestInvalid() {
        assertRejected(MediaTypes.DOCKER_MANIFEST, Images.bytes(valid()), "MANIFEST_INVALID");
    }

    @Test
    void badDescriptorIsManifestInvalid() {
        ObjectNode badDigest = valid();
        ((ObjectNode) badDigest.get("config")).put("digest", "sha256:nothex");
        assertRejected(badDigest, "MANIFEST_INVALID");
        ObjectNode negativeSize = valid();
        ((ObjectNode) negativeSize.get("config")).put("size", -1);
        assertRejected(negativeSize, "MANIFEST_INVALID");
        ObjectNode noMediaType = valid();
        ((ObjectNode) noMediaType.withArray("layers").get(0)).remove("mediaType");
        assertRejected(noMediaType, "MANIFEST_INVALID");
        ObjectNode noConfig = valid();
        noConfig.remove("config");
        assertRejected(noConfig, "MANIFEST_INVALID");
    }

    @Test
    void missingConfigOrLayerIsManifestBlobUnknown() {
        byte[] absent = Blobs.content(50, 2);
        assertRejected(Images.manifest(MediaTypes.OCI_MANIFEST, descriptor(Images.OCI_CONFIG, absent),
                descriptor(Images.OCI_LAYER, layer)), "MANIFEST_BLOB_UNKNOWN");
        assertRejected(Images.manifest(MediaTypes.OCI_MANIFEST, descriptor(Images.OCI_CONFIG, config),
                descriptor(Images.OCI_LAYER, absent)), "MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void blobOfAnotherRepositoryDoesNotSatisfyAManifest() {
        byte[] foreign = Blobs.content(60, 3);
        Blobs.push(registry, "team/foreign", foreign);
        assertRejected(Images.manifest(MediaTypes.OCI_MANIFEST, descriptor(Images.OCI_CONFIG, config),
                descriptor(Images.OCI_LAYER, foreign)), "MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void layerWithUrlsMayBeAbsent() {
        ObjectNode external = descriptor("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", Blobs.content(70, 4));
        external.putArray("urls").add("https://example.com/layer.tar.gz");
        Images.put(registry, REPO, "external", Images.manifest(MediaTypes.OCI_MANIFEST, descriptor(Images.OCI_CONFIG, config), external));
    }

    @Test
    void indexWithAMissingChildIsManifestBlobUnknown() {
        ObjectNode index = Images.index(MediaTypes.OCI_INDEX, descriptor(MediaTypes.OCI_MANIFEST, Blobs.content(80, 5)));
        assertRejected(MediaTypes.OCI_INDEX, Images.bytes(index), "MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void digestInTheUrlThatDiffersFromTheBodyIsDigestInvalid() {
        byte[] body = Images.bytes(valid());
        String other = Blobs.sha256(Blobs.content(10, 6));
        registry.given().contentType(MediaTypes.OCI_MANIFEST).body(body).put("/v2/" + REPO + "/manifests/" + other).then()
                .statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
        assertFalse(Files.exists(Blobs.file(registry, Blobs.sha256(body))));
    }

    @Test
    void manifestOverFourMibIsRejectedWith413() {
        byte[] body = padded(FOUR_MIB + 100);
        registry.given().contentType(MediaTypes.OCI_MANIFEST).body(body).put("/v2/" + REPO + "/manifests/huge").then()
                .statusCode(413);
        registry.given().get("/v2/" + REPO + "/manifests/huge").then().statusCode(404);
    }

    @Test
    void manifestJustUnderFourMibIsAccepted() {
        byte[] body = padded(FOUR_MIB - 16);
        Images.put(registry, REPO, "big", MediaTypes.OCI_MANIFEST, body);
        byte[] served = registry.given().get("/v2/" + REPO + "/manifests/big").then().statusCode(200).extract().asByteArray();
        assertArrayEquals(body, served);
    }

    /** A valid manifest padded to exactly {@code size} bytes with an annotation. */
    private static byte[] padded(int size) {
        ObjectNode m = valid();
        m.putObject("annotations").put("padding", "");
        int overhead = Images.bytes(m).length;
        m.putObject("annotations").put("padding", "x".repeat(size - overhead));
        byte[] body = Images.bytes(m);
        if (body.length != size) {
            throw new IllegalStateException("padding came out at " + body.length);
        }
        return body;
    }

    @Test
    void streamedManifestOverFourMibIsRejectedWith413() {
        byte[] body = padded(FOUR_MIB + 100);
        // an InputStream body goes out chunked: the limit is found while reading, not from Content-Length
        registry.given().contentType(MediaTypes.OCI_MANIFEST).body(new java.io.ByteArrayInputStream(body))
                .put("/v2/" + REPO + "/manifests/streamed").then().statusCode(413);
        registry.given().get("/v2/" + REPO + "/manifests/streamed").then().statusCode(404);
    }
}
