package dev.wharf.storage.fs;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;
import dev.wharf.storage.RepositoryStore;
import dev.wharf.storage.TagStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * The filesystem driver's tags: one file per tag ({@code _manifests/tags/<tag>}, content = the digest), replaced
 * atomically, and a sorted in-memory copy per repository. Writes go to disk first and then to memory, under the
 * repository's lock, so concurrent pushes of one tag end with disk and memory agreeing on the last writer.
 * Readers never wait.
 */
public final class FileTagStore implements TagStore {
    private final StorageLayout layout;
    private final Durability durability;
    private final RepositoryIndexes<NavigableMap<String, Digest>> indexes;

    public FileTagStore(StorageLayout layout, Durability durability, RepositoryStore repositories) {
        this.layout = layout;
        this.durability = durability;
        this.indexes = new RepositoryIndexes<>(repositories, this::load, new ConcurrentSkipListMap<>());
    }

    @Override
    public Digest resolve(RepositoryName repository, Tag tag) throws IOException {
        return indexes.forReading(repository).get(tag.value());
    }

    @Override
    public Digest resolveFromMemory(RepositoryName repository, Tag tag) {
        NavigableMap<String, Digest> tags = indexes.inMemory(repository);
        return tags == null ? null : tags.get(tag.value());
    }

    @Override
    public void tag(RepositoryName repository, Tag tag, Digest digest) throws IOException {
        NavigableMap<String, Digest> tags = indexes.forWriting(repository);
        synchronized (tags) {
            durability.writeAtomically(layout.tagFile(repository, tag), digest.toString().getBytes(StandardCharsets.UTF_8));
            tags.put(tag.value(), digest);
        }
    }

    @Override
    public boolean untag(RepositoryName repository, Tag tag) throws IOException {
        NavigableMap<String, Digest> tags = indexes.forWriting(repository);
        synchronized (tags) {
            boolean existed = Files.deleteIfExists(layout.tagFile(repository, tag));
            return tags.remove(tag.value()) != null || existed;
        }
    }

    @Override
    public List<String> untagAll(RepositoryName repository, Digest digest) throws IOException {
        NavigableMap<String, Digest> tags = indexes.forWriting(repository);
        List<String> removed = new ArrayList<>();
        synchronized (tags) {
            for (Map.Entry<String, Digest> e : tags.entrySet()) {
                if (e.getValue().equals(digest)) {
                    Files.deleteIfExists(layout.tagFile(repository, new Tag(e.getKey())));
                    tags.remove(e.getKey());
                    removed.add(e.getKey());
                }
            }
        }
        return removed;
    }

    @Override
    public List<String> list(RepositoryName repository, String last, int limit) throws IOException {
        NavigableMap<String, Digest> tags = indexes.forReading(repository);
        NavigableMap<String, Digest> view = last == null ? tags : tags.tailMap(last, false);
        List<String> page = new ArrayList<>(Math.min(limit, 1024));
        for (String t : view.keySet()) {
            if (page.size() >= limit) {
                break;
            }
            page.add(t);
        }
        return page;
    }

    @Override
    public Map<String, Digest> all(RepositoryName repository) throws IOException {
        return Map.copyOf(indexes.forReading(repository));
    }

    @Override
    public Instant pushedAt(RepositoryName repository, Tag tag) throws IOException {
        try {
            return Files.getLastModifiedTime(layout.tagFile(repository, tag)).toInstant();
        } catch (NoSuchFileException untagged) {
            return null;
        }
    }

    @Override
    public boolean isInMemory(RepositoryName repository) {
        return indexes.inMemory(repository) != null;
    }

    private NavigableMap<String, Digest> load(RepositoryName repository) throws IOException {
        NavigableMap<String, Digest> tags = new ConcurrentSkipListMap<>();
        Path dir = layout.tagsDir(repository);
        if (!Files.isDirectory(dir)) {
            return tags;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                try {
                    tags.put(f.getFileName().toString(), Digest.parse(Files.readString(f, StandardCharsets.UTF_8).trim()));
                } catch (NoSuchFileException raced) {
                    // untagged while we listed
                }
            }
        }
        return tags;
    }
}
