package dev.wharf.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wharf.oci.Digest;

import java.util.List;
import java.util.Map;

/**
 * An OCI content descriptor: what a manifest says about a blob or child manifest it references.
 * Serialised as the image-spec's JSON (absent fields left out).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Descriptor(String mediaType, Digest digest, long size, List<String> urls, String artifactType,
                         Map<String, String> annotations) {

    public Descriptor {
        urls = urls == null ? List.of() : List.copyOf(urls);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** Layers with external URLs (non-distributable) need not be in the registry. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isExternal() {
        return !urls.isEmpty();
    }
}
