package dev.wharf.manifest;

import dev.wharf.oci.Digest;

import java.util.List;
import java.util.Map;

/**
 * A manifest as Wharf understands it, parsed from the exact bytes a client pushed (which are what is stored
 * and served, never a re-serialisation).
 *
 * @param mediaType    one of {@link MediaTypes#IMAGE_MANIFESTS} or {@link MediaTypes#INDEXES}
 * @param config       the config descriptor of an image manifest, null for an index
 * @param layers       the layers of an image manifest (empty for an index)
 * @param manifests    the children of an index (empty for an image manifest)
 * @param subject      the manifest this one refers to (signatures, SBOMs ...), or null
 * @param artifactType the declared artifact type, or null
 */
public record Manifest(String mediaType, Descriptor config, List<Descriptor> layers, List<Descriptor> manifests,
                       Descriptor subject, String artifactType, Map<String, String> annotations) {

    public boolean isIndex() {
        return MediaTypes.INDEXES.contains(mediaType);
    }

    /** The artifact type a referrers listing shows: the declared one, else the config's media type. */
    public String effectiveArtifactType() {
        if (artifactType != null) {
            return artifactType;
        }
        return config == null ? null : config.mediaType();
    }

    /** Every blob this manifest needs the registry to hold (config and layers, minus external ones). */
    public List<Digest> requiredBlobs() {
        java.util.List<Digest> digests = new java.util.ArrayList<>();
        if (config != null) {
            digests.add(config.digest());
        }
        for (Descriptor layer : layers) {
            if (!layer.isExternal()) {
                digests.add(layer.digest());
            }
        }
        return digests;
    }
}
