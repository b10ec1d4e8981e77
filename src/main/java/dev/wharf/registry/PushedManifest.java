package dev.wharf.registry;

import dev.wharf.oci.Digest;

/** What a manifest push stored: its digest, and the digest of its subject when it has one (for {@code OCI-Subject}). */
public record PushedManifest(Digest digest, Digest subject) {
}
