package dev.wharf.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.manifest.MediaTypes;

import java.nio.charset.StandardCharsets;

import static org.hamcrest.Matchers.equalTo;

/** Manifest fixtures: descriptors, image manifests and indexes as JSON, and pushes of tiny images. */
public final class Images {
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    /** The spec's empty descriptor: the two bytes {@code {}}. */
    public static final String EMPTY_DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A pushed image: its manifest's digest and bytes, and the blobs it references. */
    public record Image(String digest, byte[] manifest, String config, String layer) {
    }

    private Images() {
    }

    public static ObjectNode descriptor(String mediaType, String digest, long size) {
        return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest).put("size", size);
    }

    /** A descriptor of {@code content}, which the caller has pushed (or deliberately not). */
    public static ObjectNode descriptor(String mediaType, byte[] content) {
        return descriptor(mediaType, Blobs.sha256(content), content.length);
    }

    /** An image manifest of {@code mediaType} (OCI or Docker schema 2) with its config and layers. */
    public static ObjectNode manifest(String mediaType, ObjectNode config, ObjectNode... layers) {
        ObjectNode m = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", mediaType);
        m.set("config", config);
        ArrayNode array = m.putArray("layers");
        for (ObjectNode layer : layers) {
            array.add(layer);
        }
        return m;
    }

    /** An index (OCI index or Docker manifest list) of child manifests. */
    public static ObjectNode index(String mediaType, ObjectNode... children) {
        ObjectNode m = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", mediaType);
        ArrayNode array = m.putArray("manifests");
        for (ObjectNode child : children) {
            array.add(child);
        }
        return m;
    }

    /** The OCI artifact form: the empty config, an {@code artifactType}, optionally a subject. */
    public static ObjectNode artifact(String artifactType, ObjectNode subject) {
        ObjectNode m = manifest(MediaTypes.OCI_MANIFEST, descriptor(MediaTypes.OCI_EMPTY, EMPTY_DIGEST, 2),
                descriptor(MediaTypes.OCI_EMPTY, EMPTY_DIGEST, 2));
        m.put("artifactType", artifactType);
        if (subject != null) {
            m.set("subject", subject);
        }
        return m;
    }

    public static byte[] bytes(ObjectNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PUTs a manifest, expects 201 and returns its digest. */
    public static String put(TestRegistry registry, String repository, String reference, String mediaType, byte[] body) {
        String digest = Blobs.sha256(body);
        registry.given().contentType(mediaType).body(body)
                .put("/v2/" + repository + "/manifests/" + reference)
                .then().statusCode(201).header("Docker-Content-Digest", equalTo(digest));
        return digest;
    }

    public static String put(TestRegistry registry, String repository, String reference, ObjectNode manifest) {
        return put(registry, repository, reference, manifest.get("mediaType").asText(), bytes(manifest));
    }

    /** Pushes the empty config blob that OCI artifacts reference. */
    public static void pushEmptyConfig(TestRegistry registry, String repository) {
        Blobs.push(registry, repository, "{}".getBytes(StandardCharsets.UTF_8));
    }

    /** Pushes a tiny OCI image (config, one layer, manifest) distinct for each {@code seed}, tagged {@code tag}. */
    public static Image push(TestRegistry registry, String repository, String tag, long seed) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8);
        byte[] layer = Blobs.content(64, seed);
        String configDigest = Blobs.push(registry, repository, config);
        String layerDigest = Blobs.push(registry, repository, layer);
        byte[] manifest = bytes(manifest(MediaTypes.OCI_MANIFEST, descriptor(OCI_CONFIG, config), descriptor(OCI_LAYER, layer)));
        String digest = put(registry, repository, tag, MediaTypes.OCI_MANIFEST, manifest);
        return new Image(digest, manifest, configDigest, layerDigest);
    }
}
