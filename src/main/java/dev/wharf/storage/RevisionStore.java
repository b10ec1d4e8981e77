package dev.wharf.storage;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;

import java.io.IOException;
import java.util.Map;

/**
 * Which manifests each repository holds (its revisions), with the media type each was pushed as. The bytes are
 * blobs ({@link BlobStore}); {@link ManifestStore} puts the two together. Blocking, except
 * {@link #mediaTypeFromMemory}.
 */
public interface RevisionStore {

    void add(RepositoryName repository, Digest digest, String mediaType) throws IOException;

    /** The media type the repository holds the manifest as, or null when it does not hold it. */
    String mediaType(RepositoryName repository, Digest digest) throws IOException;

    /** As {@link #mediaType}, from memory only; null means "ask on a worker thread" (not necessarily absent). */
    String mediaTypeFromMemory(RepositoryName repository, Digest digest);

    void remove(RepositoryName repository, Digest digest) throws IOException;

    /** Every revision with its media type. */
    Map<Digest, String> all(RepositoryName repository) throws IOException;
}
