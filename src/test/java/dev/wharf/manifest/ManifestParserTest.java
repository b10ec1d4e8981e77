package dev.wharf.manifest;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.Digest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestParserTest {
    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);
    private static final String CONFIG = "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + A + "\",\"size\":2}";

    private static Manifest parse(String json, String contentType) {
        return ManifestParser.parse(json.getBytes(StandardCharsets.UTF_8), contentType);
    }

    private static void assertInvalid(String json, String contentType) {
        RegistryException e = assertThrows(RegistryException.class, () -> parse(json, contentType));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
    }

    @Test
    void mediaTypeIsTakenFromTheShapeWhenNeitherSaysIt() {
        assertEquals(MediaTypes.OCI_MANIFEST, parse("{\"schemaVersion\":2,\"config\":" + CONFIG + ",\"layers\":[]}", null).mediaType());
        assertEquals(MediaTypes.OCI_INDEX, parse("{\"schemaVersion\":2,\"manifests\":[]}", "application/json").mediaType());
    }

    @Test
    void contentTypeParametersAreIgnored() {
        Manifest m = parse("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":" + CONFIG + "}",
                MediaTypes.OCI_MANIFEST + "; charset=utf-8");
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
    }

    @Test
    void externalLayersAreNotRequired() {
        Manifest m = parse("{\"schemaVersion\":2,\"config\":" + CONFIG + ",\"layers\":["
                + "{\"mediaType\":\"l\",\"digest\":\"" + B + "\",\"size\":1,\"urls\":[\"https://example.com/b\"]}]}", null);
        assertEquals(List.of(Digest.parse(A)), m.requiredBlobs());
    }

    @Test
    void artifactTypeFallsBackToTheConfigMediaType() {
        Manifest m = parse("{\"schemaVersion\":2,\"config\":" + CONFIG + "}", null);
        assertEquals("application/vnd.oci.image.config.v1+json", m.effectiveArtifactType());
        assertNull(parse("{\"schemaVersion\":2,\"manifests\":[]}", null).effectiveArtifactType());
    }

    @Test
    void schemaOneIsRefused() {
        assertInvalid("{\"schemaVersion\":1,\"name\":\"x\",\"tag\":\"y\",\"fsLayers\":[]}", null);
        assertInvalid("{\"schemaVersion\":2,\"config\":" + CONFIG + "}", MediaTypes.DOCKER_SCHEMA1_SIGNED);
    }

    @Test
    void duplicateKeysAndTrailingContentAreRefused() {
        assertInvalid("{\"schemaVersion\":2,\"schemaVersion\":2,\"config\":" + CONFIG + "}", null);
        assertInvalid("{\"schemaVersion\":2,\"config\":" + CONFIG + "} {}", null);
    }

    @Test
    void malformedFieldsAreManifestInvalid() {
        assertInvalid("{\"schemaVersion\":2,\"config\":" + CONFIG + ",\"layers\":{}}", null);
        assertInvalid("{\"schemaVersion\":2,\"config\":" + CONFIG + ",\"annotations\":{\"a\":1}}", null);
        assertInvalid("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"c\",\"digest\":\"" + A + "\",\"size\":1.5}}", null);
        assertInvalid("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.example+json\",\"config\":" + CONFIG + "}", null);
        assertInvalid("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"config\":" + CONFIG + "}", null);
        assertInvalid("{\"schemaVersion\":2}", null);
    }

    @Test
    void subjectIsRead() {
        Manifest m = parse("{\"schemaVersion\":2,\"config\":" + CONFIG + ",\"subject\":"
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + B + "\",\"size\":10}}", null);
        assertEquals(Digest.parse(B), m.subject().digest());
        assertTrue(m.annotations().isEmpty());
    }
}
