package dev.wharf.storage;

import dev.wharf.oci.Digest;

/** A manifest as stored: its digest, the exact bytes that were pushed, and the media type it was pushed as. */
public record StoredManifest(Digest digest, byte[] content, String mediaType) {
}
