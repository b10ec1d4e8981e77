package dev.wharf.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * Manifests, tags and referrers of every repository. The files under {@code repositories/<name>/} are the
 * truth; each repository's tags and manifest revisions are also kept in memory once first read, and
 * manifest bytes in a bounded cache, so that a pull of a manifest by tag touches no disk. That works because
 * one process owns a storage root (see the lock in {@code wharf.lock}).
 *
 * <p>Writes go to disk first (atomic file replacement) and then to memory, under a per-repository lock, so
 * concurrent pushes of one tag end with disk and memory agreeing on the last writer. Readers never wait.
 * Methods that may touch disk block; {@link #cached} never does.
 */
public final class ManifestStore {
    /**
     * Manifest bytes kept in memory: 64 MiB, or an eighth of the heap when that is smaller, so that a small
     * heap (the README runs with 96 MiB) is not filled by the cache. Manifests are a few KiB, so even an eighth
     * of 96 MiB holds thousands.
     */
    static final long CACHE_BYTES = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);
    /** What an entry costs beyond its bytes (key, node, array header), roughly. */
    static final int CACHE_ENTRY_OVERHEAD = 64;

    private final StorageLayout layout;
    private final Durability durability;
    private final BlobStore blobs;
    private final RepositoryStore repositories;
    private final Map<RepositoryName, RepositoryIndex> indexes = new ConcurrentHashMap<>();
    private final Cache<Digest, byte[]> contents = Caffeine.newBuilder()
            .maximumWeight(CACHE_BYTES)
            .weigher((Digest d, byte[] b) -> b.length + CACHE_ENTRY_OVERHEAD)
            .build();

    /** What a repository that does not exist looks like; never written to. */
    private static final RepositoryIndex NONE = new RepositoryIndex();

    /** One repository's tags (sorted, for listing) and manifest revisions (digest → media type). */
    private static final class RepositoryIndex {
        final NavigableMap<String, Digest> tags = new ConcurrentSkipListMap<>();
        final Map<Digest, String> revisions = new ConcurrentHashMap<>();
    }

    public ManifestStore(StorageLayout layout, Durability durability, BlobStore blobs, RepositoryStore repositories) {
        this.layout = layout;
        this.durability = durability;
        this.blobs = blobs;
        this.repositories = repositories;
    }

    /** Stores the manifest's bytes and records that the repository holds it. */
    public void put(RepositoryName repository, StoredManifest manifest) throws IOException {
        blobs.put(manifest.digest(), manifest.content());
        RepositoryIndex index = writableIndex(repository);
        synchronized (index) {
            durability.writeAtomically(layout.revisionLink(repository, manifest.digest()),
                    manifest.mediaType().getBytes(StandardCharsets.UTF_8));
            index.revisions.put(manifest.digest(), manifest.mediaType());
        }
        contents.put(manifest.digest(), manifest.content());
        repositories.remember(repository);
    }

    /** Points {@code tag} at {@code digest}; the last of concurrent writers wins, on disk and in memory alike. */
    public void tag(RepositoryName repository, Tag tag, Digest digest) throws IOException {
        RepositoryIndex index = writableIndex(repository);
        synchronized (index) {
            durability.writeAtomically(layout.tagFile(repository, tag), digest.toString().getBytes(StandardCharsets.UTF_8));
            index.tags.put(tag.value(), digest);
        }
    }

    public boolean untag(RepositoryName repository, Tag tag) throws IOException {
        RepositoryIndex index = writableIndex(repository);
        synchronized (index) {
            boolean existed = Files.deleteIfExists(layout.tagFile(repository, tag));
            return index.tags.remove(tag.value()) != null || existed;
        }
    }

    /** Bytes of manifest content held in memory now (for tests and diagnostics). */
    long cachedBytes() {
        contents.cleanUp();
        return contents.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    /** Removes the manifest from the repository, with every tag that points at it; returns the tags removed. */
    public List<String> delete(RepositoryName repository, Digest digest) throws IOException {
        RepositoryIndex index = writableIndex(repository);
        List<String> removedTags = new ArrayList<>();
        synchronized (index) {
            for (Map.Entry<String, Digest> e : index.tags.entrySet()) {
                if (e.getValue().equals(digest)) {
                    Files.deleteIfExists(layout.tagFile(repository, new Tag(e.getKey())));
                    index.tags.remove(e.getKey());
                    removedTags.add(e.getKey());
                }
            }
            Files.deleteIfExists(layout.revisionLink(repository, digest));
            index.revisions.remove(digest);
        }
        // Another repository may still hold the same bytes; it reads them back from disk on its next pull.
        contents.invalidate(digest);
        return removedTags;
    }

    public Digest resolve(RepositoryName repository, Tag tag) throws IOException {
        return index(repository).tags.get(tag.value());
    }

    /** Whether the repository holds the manifest. */
    public boolean holds(RepositoryName repository, Digest digest) throws IOException {
        return index(repository).revisions.containsKey(digest);
    }

    /** The manifest, or null when the repository does not hold it. */
    public StoredManifest get(RepositoryName repository, Digest digest) throws IOException {
        String mediaType = index(repository).revisions.get(digest);
        if (mediaType == null) {
            return null;
        }
        byte[] content = contents.getIfPresent(digest);
        if (content == null) {
            try {
                content = blobs.read(digest);
            } catch (NoSuchFileException e) {
                return null;
            }
            contents.put(digest, content);
        }
        return new StoredManifest(digest, content, mediaType);
    }

    /**
     * The manifest by tag or digest if everything needed is already in memory; null means "ask {@link #get}
     * on a worker thread" (not necessarily absent). Never blocks.
     */
    public StoredManifest cached(RepositoryName repository, Tag tag, Digest digest) {
        RepositoryIndex index = indexes.get(repository);
        if (index == null) {
            return null;
        }
        Digest d = digest != null ? digest : index.tags.get(tag.value());
        if (d == null) {
            return null;
        }
        String mediaType = index.revisions.get(d);
        byte[] content = mediaType == null ? null : contents.getIfPresent(d);
        return content == null ? null : new StoredManifest(d, content, mediaType);
    }

    /** Whether the repository is known to have no such tag, judged from memory alone (false = unknown). */
    public boolean knownMissing(RepositoryName repository, Tag tag) {
        RepositoryIndex index = indexes.get(repository);
        return index != null && !index.tags.containsKey(tag.value());
    }

    /** The repository's tags in lexical order, from after {@code last}, at most {@code limit}. */
    public List<String> tags(RepositoryName repository, String last, int limit) throws IOException {
        NavigableMap<String, Digest> tags = index(repository).tags;
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

    /** Every tag and the digest it points at, for garbage collection and retention. */
    public Map<String, Digest> tagMap(RepositoryName repository) throws IOException {
        return Map.copyOf(index(repository).tags);
    }

    /** Every manifest revision the repository holds, with its media type. */
    public Map<Digest, String> revisions(RepositoryName repository) throws IOException {
        return Map.copyOf(index(repository).revisions);
    }

    /** Records a referrer (a manifest whose subject is {@code subject}) with its descriptor as JSON. */
    public void addReferrer(RepositoryName repository, Digest subject, Digest referrer, byte[] descriptorJson) throws IOException {
        durability.writeAtomically(layout.referrerFile(repository, subject, referrer), descriptorJson);
    }

    public void removeReferrer(RepositoryName repository, Digest subject, Digest referrer) throws IOException {
        Files.deleteIfExists(layout.referrerFile(repository, subject, referrer));
    }

    /** The descriptors (as JSON) of the manifests that refer to {@code subject}. */
    public List<byte[]> referrers(RepositoryName repository, Digest subject) throws IOException {
        Path dir = layout.referrersDir(repository, subject);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<byte[]> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                try {
                    found.add(Files.readAllBytes(f));
                } catch (NoSuchFileException raced) {
                    // deleted while we listed: not a referrer any more
                }
            }
        }
        return found;
    }

    /** Whether the repository's tags and revisions are in memory, so reading them cannot block. */
    public boolean isIndexed(RepositoryName repository) {
        return indexes.containsKey(repository);
    }

    /** Drops the in-memory view of a repository so the next access reads it again from disk. */
    public void forget(RepositoryName repository) {
        indexes.remove(repository);
    }

    /** The index for reading: an unknown repository gets the shared empty one, so probes cost no memory. */
    private RepositoryIndex index(RepositoryName repository) throws IOException {
        RepositoryIndex index = indexes.get(repository);
        if (index != null) {
            return index;
        }
        return repositories.exists(repository) ? writableIndex(repository) : NONE;
    }

    private RepositoryIndex writableIndex(RepositoryName repository) throws IOException {
        RepositoryIndex index = indexes.get(repository);
        if (index != null) {
            return index;
        }
        synchronized (indexes) {
            index = indexes.get(repository);
            if (index == null) {
                index = load(repository);
                indexes.put(repository, index);
            }
            return index;
        }
    }

    private RepositoryIndex load(RepositoryName repository) throws IOException {
        RepositoryIndex index = new RepositoryIndex();
        Path tagsDir = layout.tagsDir(repository);
        if (Files.isDirectory(tagsDir)) {
            try (Stream<Path> files = Files.list(tagsDir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    try {
                        index.tags.put(name, Digest.parse(Files.readString(f, StandardCharsets.UTF_8).trim()));
                    } catch (NoSuchFileException raced) {
                        // untagged while we listed
                    }
                }
            }
        }
        for (Digest digest : RepositoryStore.listDigests(layout.revisionsDir(repository))) {
            try {
                index.revisions.put(digest, Files.readString(layout.revisionLink(repository, digest), StandardCharsets.UTF_8).trim());
            } catch (NoSuchFileException raced) {
                // deleted while we listed
            }
        }
        return index;
    }
}
