package dev.wharf.storage.fs;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.RepositoryStore;
import dev.wharf.storage.RevisionStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The filesystem driver's manifest revisions: one link file per manifest a repository holds
 * ({@code _manifests/revisions/<alg>/<hex>}, content = its media type), and an in-memory copy per repository.
 */
public final class FileRevisionStore implements RevisionStore {
    private final StorageLayout layout;
    private final Durability durability;
    private final RepositoryIndexes<Map<Digest, String>> indexes;

    public FileRevisionStore(StorageLayout layout, Durability durability, RepositoryStore repositories) {
        this.layout = layout;
        this.durability = durability;
        this.indexes = new RepositoryIndexes<>(repositories, this::load, new ConcurrentHashMap<>());
    }

    @Override
    public void add(RepositoryName repository, Digest digest, String mediaType) throws IOException {
        Map<Digest, String> revisions = indexes.forWriting(repository);
        synchronized (revisions) {
            durability.writeAtomically(layout.revisionLink(repository, digest), mediaType.getBytes(StandardCharsets.UTF_8));
            revisions.put(digest, mediaType);
        }
    }

    @Override
    public String mediaType(RepositoryName repository, Digest digest) throws IOException {
        return indexes.forReading(repository).get(digest);
    }

    @Override
    public String mediaTypeFromMemory(RepositoryName repository, Digest digest) {
        Map<Digest, String> revisions = indexes.inMemory(repository);
        return revisions == null ? null : revisions.get(digest);
    }

    @Override
    public void remove(RepositoryName repository, Digest digest) throws IOException {
        Map<Digest, String> revisions = indexes.forWriting(repository);
        synchronized (revisions) {
            Files.deleteIfExists(layout.revisionLink(repository, digest));
            revisions.remove(digest);
        }
    }

    @Override
    public Map<Digest, String> all(RepositoryName repository) throws IOException {
        return Map.copyOf(indexes.forReading(repository));
    }

    private Map<Digest, String> load(RepositoryName repository) throws IOException {
        Map<Digest, String> revisions = new ConcurrentHashMap<>();
        for (Digest digest : FileRepositoryStore.listDigests(layout.revisionsDir(repository))) {
            try {
                revisions.put(digest, Files.readString(layout.revisionLink(repository, digest), StandardCharsets.UTF_8).trim());
            } catch (NoSuchFileException raced) {
                // deleted while we listed
            }
        }
        return revisions;
    }
}
