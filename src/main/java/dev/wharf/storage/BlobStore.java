package dev.wharf.storage;

import dev.wharf.oci.Digest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The content-addressed store: each blob once, at a path derived from its digest. Writes are idempotent
 * renames of verified files, so concurrent pushes of the same content need no lock.
 * All methods block: call them from a worker thread, never from an event loop.
 */
public final class BlobStore {
    private final StorageLayout layout;
    private final Durability durability;

    public BlobStore(StorageLayout layout, Durability durability) {
        this.layout = layout;
        this.durability = durability;
    }

    public Path path(Digest digest) {
        return layout.blobData(digest);
    }

    public OptionalLong size(Digest digest) {
        try {
            return OptionalLong.of(Files.size(path(digest)));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new StorageException("cannot stat blob " + digest, e);
        }
    }

    public boolean exists(Digest digest) {
        return Files.isRegularFile(path(digest));
    }

    /**
     * Makes a verified, already-synced file the content of {@code digest}. When the blob is already stored
     * the file is dropped and nothing new is written; its modification time is refreshed so that garbage
     * collection's grace period covers a blob that is being pushed again.
     *
     * @return true when the blob was new
     */
    public boolean commit(Path verifiedFile, Digest digest) throws IOException {
        Path target = path(digest);
        if (Files.isRegularFile(target)) {
            Files.deleteIfExists(verifiedFile);
            touch(target);
            return false;
        }
        durability.moveIntoPlace(verifiedFile, target);
        return true;
    }

    /** Stores small content (a manifest) held in memory. */
    public boolean put(Digest digest, byte[] content) throws IOException {
        Path target = path(digest);
        if (Files.isRegularFile(target)) {
            touch(target);
            return false;
        }
        durability.writeAtomically(target, content);
        return true;
    }

    public byte[] read(Digest digest) throws IOException {
        return Files.readAllBytes(path(digest));
    }

    public boolean delete(Digest digest) throws IOException {
        Path data = path(digest);
        boolean deleted = Files.deleteIfExists(data);
        try {
            Files.deleteIfExists(data.getParent());
        } catch (IOException ignored) {
            // a concurrent push recreated it; the folder stays
        }
        return deleted;
    }

    public Instant modified(Digest digest) throws IOException {
        return Files.getLastModifiedTime(path(digest)).toInstant();
    }

    /** Every stored digest, for garbage collection and integrity checks. */
    public List<Digest> list() throws IOException {
        List<Digest> digests = new ArrayList<>();
        for (Digest.Algorithm algorithm : Digest.Algorithm.values()) {
            Path dir = layout.blobsDir().resolve(algorithm.prefix());
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> shards = Files.list(dir)) {
                for (Path shard : (Iterable<Path>) shards::iterator) {
                    try (Stream<Path> blobs = Files.list(shard)) {
                        for (Path blob : (Iterable<Path>) blobs::iterator) {
                            if (Files.isRegularFile(blob.resolve("data"))) {
                                digests.add(new Digest(algorithm, blob.getFileName().toString()));
                            }
                        }
                    }
                }
            }
        }
        return digests;
    }

    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        } catch (IOException ignored) {
            // only a hint for garbage collection; the blob itself is fine
        }
    }
}
