package dev.wharf.interop;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Reading an image index (OCI) or manifest list (Docker): both list {@code manifests} with a platform each. */
final class ImageIndexes {
    private ImageIndexes() {
    }

    /** The digest of the image the index lists for {@code architecture}. */
    static String imageFor(JsonNode index, String architecture) {
        for (JsonNode entry : index.path("manifests")) {
            if (architecture.equals(entry.path("platform").path("architecture").asText())) {
                return entry.path("digest").asText();
            }
        }
        throw new AssertionError("no " + architecture + " image in " + index);
    }

    /** The architectures the index lists, in its order. */
    static List<String> architectures(JsonNode index) {
        List<String> arches = new ArrayList<>();
        index.path("manifests").forEach(entry -> arches.add(entry.path("platform").path("architecture").asText()));
        return arches;
    }
}
