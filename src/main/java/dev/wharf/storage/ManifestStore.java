package dev.wharf.storage;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * Manifests as the registry sees them: a revision record in the repository ({@link RevisionStore}) plus the
 * bytes as a blob ({@link BlobStore}), with the bytes also kept in a {@link ManifestCache}. Tags live in the
 * {@link TagStore}; only deleting a manifest reaches them (its tags go with it). Methods that may touch disk
 * block; {@link #cached} never does.
 */
public final class ManifestStore {
    private final BlobStore blobs;
    private final RevisionStore revisions;
    private final TagStore tags;
    private final RepositoryStore repositories;
    private final ManifestCache cache;

    public ManifestStore(BlobStore blobs, RevisionStore revisions, TagStore tags, RepositoryStore repositories, ManifestCache cache) {
        this.blobs = blobs;
        this.revisions = revisions;
        this.tags = tags;
        this.repositories = repositories;
        this.cache = cache;
    }

    /** Stores the manifest's bytes and records that the repository holds it. */
    public void put(RepositoryName repository, StoredManifest manifest) throws IOException {
        blobs.put(manifest.digest(), manifest.content());
        revisions.add(repository, manifest.digest(), manifest.mediaType());
        cache.put(manifest.digest(), manifest.content());
        repositories.remember(repository);
    }

    /** Whether the repository holds the manifest. */
    public boolean holds(RepositoryName repository, Digest digest) throws IOException {
        return revisions.mediaType(repository, digest) != null;
    }

    /** The manifest, or null when the repository does not hold it. */
    public StoredManifest get(RepositoryName repository, Digest digest) throws IOException {
        String mediaType = revisions.mediaType(repository, digest);
        if (mediaType == null) {
            return null;
        }
        byte[] content = cache.get(digest);
        if (content == null) {
            try {
                content = blobs.read(digest);
            } catch (NoSuchFileException e) {
                return null;
            }
            cache.put(digest, content);
        }
        return new StoredManifest(digest, content, mediaType);
    }

    /**
     * The manifest by tag or digest if everything needed is already in memory; null means "ask {@link #get}
     * on a worker thread" (not necessarily absent). Never blocks.
     */
    public StoredManifest cached(RepositoryName repository, Tag tag, Digest digest) {
        Digest d = digest != null ? digest : tags.resolveFromMemory(repository, tag);
        if (d == null) {
            return null;
        }
        String mediaType = revisions.mediaTypeFromMemory(repository, d);
        byte[] content = mediaType == null ? null : cache.get(d);
        return content == null ? null : new StoredManifest(d, content, mediaType);
    }

    /** Removes the manifest from the repository, with every tag that points at it; returns the tags removed. */
    public List<String> delete(RepositoryName repository, Digest digest) throws IOException {
        List<String> removedTags = tags.untagAll(repository, digest);
        revisions.remove(repository, digest);
        // Another repository may still hold the same bytes; it reads them back from disk on its next pull.
        cache.invalidate(digest);
        return removedTags;
    }
}
