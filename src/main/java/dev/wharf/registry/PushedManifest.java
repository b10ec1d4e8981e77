package dev.wharf.registry;

import dev.wharf.oci.Digest;

/**
 * What a manifest push stored: its digest, the digest of its subject when it has one (for {@code OCI-Subject}), its
 * media type as parsed and its length in bytes.
 */
public record PushedManifest(Digest digest, Digest subject, String mediaType, long size) {
}
