package dev.wharf.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.Digest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a pushed manifest and checks that it is well formed: JSON, schema version 2, a media type that agrees
 * with the request's {@code Content-Type}, and descriptors with valid digests and sizes. Every failure is
 * {@code MANIFEST_INVALID} with a message that says what was wrong.
 */
public final class ManifestParser {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ManifestParser() {
    }

    public static Manifest parse(byte[] body, String contentType) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw invalid("manifest is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw invalid("manifest is not a JSON object");
        }
        String mediaType = mediaType(root, MediaTypes.base(contentType));
        if (root.path("schemaVersion").asInt(-1) != 2) {
            throw invalid("schemaVersion must be 2");
        }
        Descriptor subject = root.hasNonNull("subject") ? descriptor(root.get("subject"), "subject") : null;
        String artifactType = text(root, "artifactType");
        Map<String, String> annotations = annotations(root.get("annotations"), "annotations");
        if (MediaTypes.INDEXES.contains(mediaType)) {
            JsonNode children = root.get("manifests");
            if (children == null || !children.isArray()) {
                throw invalid("an index needs a manifests array");
            }
            return new Manifest(mediaType, null, List.of(), descriptors(children, "manifests"), subject, artifactType, annotations);
        }
        if (!root.hasNonNull("config")) {
            throw invalid("an image manifest needs a config descriptor");
        }
        Descriptor config = descriptor(root.get("config"), "config");
        JsonNode layers = root.get("layers");
        if (layers != null && !layers.isNull() && !layers.isArray()) {
            throw invalid("layers must be an array");
        }
        List<Descriptor> layerList = layers == null || layers.isNull() ? List.of() : descriptors(layers, "layers");
        if (MediaTypes.DOCKER_MANIFEST.equals(mediaType) && layers == null) {
            throw invalid("a Docker image manifest needs a layers array");
        }
        return new Manifest(mediaType, config, layerList, List.of(), subject, artifactType, annotations);
    }

    /** The body's mediaType and the Content-Type must agree; either may be missing but not both. */
    private static String mediaType(JsonNode root, String contentType) {
        String declared = text(root, "mediaType");
        if (MediaTypes.DOCKER_SCHEMA1.equals(declared) || MediaTypes.DOCKER_SCHEMA1_SIGNED.equals(declared)
                || MediaTypes.DOCKER_SCHEMA1.equals(contentType) || MediaTypes.DOCKER_SCHEMA1_SIGNED.equals(contentType)
                || root.path("schemaVersion").asInt(-1) == 1) {
            throw invalid("Docker schema 1 manifests are not supported; push schema 2 or OCI");
        }
        boolean contentTypeIsManifest = contentType != null && MediaTypes.isManifest(contentType);
        if (declared != null) {
            if (!MediaTypes.isManifest(declared)) {
                throw invalid("unsupported manifest media type " + declared);
            }
            if (contentTypeIsManifest && !declared.equals(contentType)) {
                throw invalid("Content-Type " + contentType + " does not match the manifest's mediaType " + declared);
            }
            return declared;
        }
        if (contentTypeIsManifest) {
            return contentType;
        }
        // OCI makes mediaType optional; tell an index from an image manifest by its shape.
        if (root.has("manifests")) {
            return MediaTypes.OCI_INDEX;
        }
        if (root.has("config")) {
            return MediaTypes.OCI_MANIFEST;
        }
        throw invalid("cannot tell the manifest's media type: set mediaType or Content-Type");
    }

    private static List<Descriptor> descriptors(JsonNode array, String field) {
        List<Descriptor> list = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            list.add(descriptor(array.get(i), field + "[" + i + "]"));
        }
        return list;
    }

    private static Descriptor descriptor(JsonNode node, String where) {
        if (!node.isObject()) {
            throw invalid(where + " is not a descriptor object");
        }
        String mediaType = text(node, "mediaType");
        if (mediaType == null || mediaType.isEmpty()) {
            throw invalid(where + " has no mediaType");
        }
        String digestText = text(node, "digest");
        Digest digest;
        try {
            digest = Digest.parse(digestText);
        } catch (RegistryException e) {
            throw invalid(where + " has an invalid digest");
        }
        JsonNode size = node.get("size");
        if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() < 0) {
            throw invalid(where + " has no valid size");
        }
        List<String> urls = new ArrayList<>();
        JsonNode urlNode = node.get("urls");
        if (urlNode != null && urlNode.isArray()) {
            urlNode.forEach(u -> urls.add(u.asText()));
        }
        return new Descriptor(mediaType, digest, size.asLong(), urls, text(node, "artifactType"),
                annotations(node.get("annotations"), where + ".annotations"));
    }

    private static Map<String, String> annotations(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw invalid(where + " must be an object of strings");
        }
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw invalid(where + "." + e.getKey() + " must be a string");
            }
            map.put(e.getKey(), e.getValue().asText());
        });
        return map;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(field + " must be a string");
        }
        return value.asText();
    }

    private static RegistryException invalid(String message) {
        return RegistryException.of(ErrorCode.MANIFEST_INVALID, message);
    }
}
