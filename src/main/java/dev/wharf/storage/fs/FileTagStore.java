package dev.wharf.storage.fs;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;
import dev.wharf.storage.Pages;
import dev.wharf.storage.RepositoryStore;
import dev.wharf.storage.TagStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * The filesystem driver's tags: one file per tag ({@code _manifests/tags/<tag>}, content = the digest, modification
 * time = when it was pushed), replaced atomically, and a sorted in-memory copy per repository. Writes go to disk first and then to memory, under the
 * repository's lock, so concurrent pushes of one tag end with disk and memory agreeing on the last writer.
 * Readers never wait.
 */
public final class FileTagStore implements TagStore {
    private final StorageLayout layout;
    private final Durability durability;
    private final RepositoryIndexes<NavigableMap<String, Tagged>> indexes;

    /** A tag's target and when it was pushed (its file's time, kept so that "newest" needs no disk). */
    private record Tagged(Digest digest, Instant pushedAt) {
    }

    public FileTagStore(StorageLayout layout, Durability durability, RepositoryStore repositories) {
        this.layout = layout;
        this.durability = durability;
        this.indexes = new RepositoryIndexes<>(repositories, this::load, new ConcurrentSkipListMap<>());
    }

    @Override
    public Digest resolve(RepositoryName repository, Tag tag) throws IOException {
        return digestOf(indexes.forReading(repository).get(tag.value()));
    }

    private static Digest digestOf(Tagged tagged) {
        return tagged == null ? null : tagged.digest();
    }

    @Override
    public Digest resolveFromMemory(RepositoryName repository, Tag tag) {
        NavigableMap<String, Tagged> tags = indexes.inMemory(repository);
        return tags == null ? null : digestOf(tags.get(tag.value()));
    }

    @Override
    public void tag(RepositoryName repository, Tag tag, Digest digest) throws IOException {
        NavigableMap<String, Tagged> tags = indexes.forWriting(repository);
        synchronized (tags) {
            durability.writeAtomically(layout.tagFile(repository, tag), digest.toString().getBytes(StandardCharsets.UTF_8));
            tags.put(tag.value(), new Tagged(digest, Instant.now()));
        }
    }

    @Override
    public boolean untag(RepositoryName repository, Tag tag) throws IOException {
        NavigableMap<String, Tagged> tags = indexes.forWriting(repository);
        synchronized (tags) {
            boolean existed = Files.deleteIfExists(layout.tagFile(repository, tag));
            return tags.remove(tag.value()) != null || existed;
        }
    }

    @Override
    public List<String> untagAll(RepositoryName repository, Digest digest) throws IOException {
        NavigableMap<String, Tagged> tags = indexes.forWriting(repository);
        List<String> removed = new ArrayList<>();
        synchronized (tags) {
            for (Map.Entry<String, Tagged> e : tags.entrySet()) {
                if (e.getValue().digest().equals(digest)) {
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
        return Pages.after(indexes.forReading(repository).navigableKeySet(), last, limit);
    }

    @Override
    public Map<String, Digest> all(RepositoryName repository) throws IOException {
        Map<String, Digest> all = new HashMap<>();
        indexes.forReading(repository).forEach((tag, tagged) -> all.put(tag, tagged.digest()));
        return all;
    }

    /** From the tag file itself, so that a time changed on disk (an operator's touch, a test) counts. */
    @Override
    public Instant pushedAt(RepositoryName repository, Tag tag) throws IOException {
        try {
            return Files.getLastModifiedTime(layout.tagFile(repository, tag)).toInstant();
        } catch (NoSuchFileException untagged) {
            return null;
        }
    }

    @Override
    public Tag newest(RepositoryName repository) throws IOException {
        String newest = null;
        Instant newestAt = null;
        for (Map.Entry<String, Tagged> e : indexes.forReading(repository).entrySet()) {
            Instant at = e.getValue().pushedAt();
            // ties (one push second) go to the later name, so that the answer does not depend on map order
            if (newestAt == null || at.isAfter(newestAt) || (at.equals(newestAt) && e.getKey().compareTo(newest) > 0)) {
                newest = e.getKey();
                newestAt = at;
            }
        }
        return newest == null ? null : new Tag(newest);
    }

    @Override
    public boolean isInMemory(RepositoryName repository) {
        return indexes.inMemory(repository) != null;
    }

    private NavigableMap<String, Tagged> load(RepositoryName repository) throws IOException {
        NavigableMap<String, Tagged> tags = new ConcurrentSkipListMap<>();
        Path dir = layout.tagsDir(repository);
        if (!Files.isDirectory(dir)) {
            return tags;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                try {
                    Digest digest = Digest.parse(Files.readString(f, StandardCharsets.UTF_8).trim());
                    tags.put(f.getFileName().toString(), new Tagged(digest, Files.getLastModifiedTime(f).toInstant()));
                } catch (NoSuchFileException raced) {
                    // untagged while we listed
                }
            }
        }
        return tags;
    }
}
