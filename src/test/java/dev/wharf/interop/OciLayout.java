package dev.wharf.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads an OCI image layout folder that a client wrote (skopeo's {@code oci:} transport, umoci). */
public record OciLayout(Path dir) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The digest that {@code index.json} gives for {@code tag}. */
    public String digestOf(String tag) {
        for (JsonNode entry : readJson(dir.resolve("index.json")).path("manifests")) {
            if (tag.equals(entry.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
                return entry.path("digest").asText();
            }
        }
        throw new AssertionError("no tag " + tag + " in " + dir.resolve("index.json"));
    }

    public byte[] blob(String digest) {
        try {
            return Files.readAllBytes(blobPath(digest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode json(String digest) {
        return readJson(blobPath(digest));
    }

    /** The layer digests of the image manifest {@code manifestDigest}, bottom first. */
    List<String> layers(String manifestDigest) {
        List<String> digests = new ArrayList<>();
        json(manifestDigest).path("layers").forEach(layer -> digests.add(layer.path("digest").asText()));
        return digests;
    }

    /** The manifests an image index lists, in order. */
    List<String> children(String indexDigest) {
        List<String> digests = new ArrayList<>();
        json(indexDigest).path("manifests").forEach(m -> digests.add(m.path("digest").asText()));
        return digests;
    }

    private Path blobPath(String digest) {
        String[] parts = digest.split(":", 2);
        return dir.resolve("blobs").resolve(parts[0]).resolve(parts[1]);
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
