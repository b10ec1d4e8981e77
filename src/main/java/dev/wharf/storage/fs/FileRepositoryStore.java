package dev.wharf.storage.fs;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.Pages;
import dev.wharf.storage.RepositoryStore;
import dev.wharf.storage.StorageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;

/**
 * The filesystem driver's repositories and their blob links ({@code repositories/<name>/_layers/...}, see
 * {@link StorageLayout}). The set of names is read from disk once and then kept in memory, so the catalog never
 * walks the tree per request. Blocking: call from worker threads.
 */
public final class FileRepositoryStore implements RepositoryStore {
    private final StorageLayout layout;
    private final Durability durability;
    private volatile NavigableSet<String> names;

    public FileRepositoryStore(StorageLayout layout, Durability durability) {
        this.layout = layout;
        this.durability = durability;
    }

    @Override
    public boolean holdsBlob(RepositoryName repository, Digest digest) {
        return Files.exists(layout.layerLink(repository, digest));
    }

    /** Records that {@code repository} holds the blob; idempotent. */
    @Override
    public void linkBlob(RepositoryName repository, Digest digest) throws IOException {
        durability.createLink(layout.layerLink(repository, digest));
        remember(repository);
    }

    @Override
    public boolean unlinkBlob(RepositoryName repository, Digest digest) throws IOException {
        return Files.deleteIfExists(layout.layerLink(repository, digest));
    }

    /** Every digest the repository holds as a blob, for garbage collection. */
    @Override
    public List<Digest> linkedBlobs(RepositoryName repository) throws IOException {
        return listDigests(layout.layersDir(repository));
    }

    @Override
    public boolean exists(RepositoryName repository) {
        return names().contains(repository.value());
    }

    @Override
    public void remember(RepositoryName repository) {
        names().add(repository.value());
    }

    /** Repository names in lexical order, starting after {@code last} (exclusive) when given. */
    @Override
    public List<String> list(String last, int limit) {
        return Pages.after(names(), last, limit);
    }

    /** Whether the names have been read from disk already, so listing them cannot block. */
    @Override
    public boolean isScanned() {
        return names != null;
    }

    @Override
    public NavigableSet<String> names() {
        NavigableSet<String> current = names;
        if (current == null) {
            synchronized (this) {
                if (names == null) {
                    names = scan();
                }
                current = names;
            }
        }
        return current;
    }

    private NavigableSet<String> scan() {
        NavigableSet<String> found = new ConcurrentSkipListSet<>();
        Path dir = layout.repositoriesDir();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.filter(p -> {
                String f = p.getFileName().toString();
                return StorageLayout.isRepositoryMarker(f) && Files.isDirectory(p);
            }).map(p -> dir.relativize(p.getParent()).toString().replace('\\', '/')).forEach(found::add);
        } catch (IOException e) {
            throw new StorageException("cannot list repositories", e);
        }
        return found;
    }

    static List<Digest> listDigests(Path dir) throws IOException {
        List<Digest> digests = new ArrayList<>();
        for (Digest.Algorithm algorithm : Digest.Algorithm.values()) {
            Path algDir = dir.resolve(algorithm.prefix());
            if (!Files.isDirectory(algDir)) {
                continue;
            }
            try (Stream<Path> links = Files.list(algDir)) {
                links.forEach(p -> digests.add(new Digest(algorithm, p.getFileName().toString())));
            }
        }
        return digests;
    }
}
