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
 * renames of verified files, so concurrent pushes of the same content need no lock between themselves.
 *
 * <p>Garbage collection is the one writer that must not interleave with them: "GC sees an old blob, a
 * manifest push checks that the blob exists, GC deletes it" would leave the new manifest pointing at
 * nothing. So every step that relies on a blob staying ({@link #touchIfPresent}, {@link #commit},
 * {@link #put}) and every step that removes one ({@link #deleteIfOlderThan}, {@link #runIfOlderThan},
 * {@link #quarantine}) runs under a lock striped by digest: either the push refreshes the blob's
 * modification time first, and the sweep then finds it young and keeps it, or the sweep deletes it first,
 * and the push then finds it gone and says so. See docs/storage.md.
 *
 * <p>All methods block: call them from a worker thread, never from an event loop.
 */
public final class BlobStore {
    private static final int STRIPES = 64;

    /** What runs under a digest's lock. */
    @FunctionalInterface
    public interface LockedAction {
        void run() throws IOException;
    }

    private final StorageLayout layout;
    private final Durability durability;
    private final Object[] stripes = new Object[STRIPES];

    public BlobStore(StorageLayout layout, Durability durability) {
        this.layout = layout;
        this.durability = durability;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
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
     * Whether the blob is stored; if it is, its modification time is refreshed so that garbage collection
     * spares it for a grace period. Call this (not {@link #exists}) before recording a new reference to the
     * blob (a manifest push, a mount), so that the blob cannot be swept between the check and the reference.
     */
    public boolean touchIfPresent(Digest digest) {
        synchronized (stripe(digest)) {
            Path target = path(digest);
            if (!Files.isRegularFile(target)) {
                return false;
            }
            touch(target);
            return true;
        }
    }

    /**
     * Makes a verified, already-synced file the content of {@code digest}. When the blob is already stored
     * the file is dropped and nothing new is written. Either way the blob ends up freshly modified, so that
     * garbage collection's grace period covers it until the manifest that needs it is pushed (the upload
     * file keeps the time of its last chunk, which may be long ago).
     *
     * @return true when the blob was new
     */
    public boolean commit(Path verifiedFile, Digest digest) throws IOException {
        synchronized (stripe(digest)) {
            if (touchIfPresent(digest)) {
                Files.deleteIfExists(verifiedFile);
                return false;
            }
            Path target = path(digest);
            durability.moveIntoPlace(verifiedFile, target);
            touch(target);
            return true;
        }
    }

    /** Stores small content (a manifest) held in memory. */
    public boolean put(Digest digest, byte[] content) throws IOException {
        synchronized (stripe(digest)) {
            if (touchIfPresent(digest)) {
                return false;
            }
            durability.writeAtomically(path(digest), content);
            return true;
        }
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

    /**
     * Deletes the blob if it was last written or touched before {@code cutoff}, atomically with respect to
     * {@link #touchIfPresent}; the sweep of garbage collection.
     */
    public boolean deleteIfOlderThan(Digest digest, Instant cutoff) throws IOException {
        return runIfOlderThan(digest, cutoff, () -> delete(digest));
    }

    /**
     * Runs {@code action} while no push can refresh or re-create the blob, if the blob is stored and was last
     * touched before {@code cutoff}; returns whether it ran. Garbage collection removes an unreferenced
     * manifest this way, so that an index push naming it in the meantime either keeps it or finds it gone.
     */
    public boolean runIfOlderThan(Digest digest, Instant cutoff, LockedAction action) throws IOException {
        synchronized (stripe(digest)) {
            Instant modified;
            try {
                modified = modified(digest);
            } catch (NoSuchFileException e) {
                return false;
            }
            if (!modified.isBefore(cutoff)) {
                return false;
            }
            action.run();
            return true;
        }
    }

    /** Runs {@code action} while the blob is absent and no push can store it; returns whether it ran. */
    public boolean runIfAbsent(Digest digest, LockedAction action) throws IOException {
        synchronized (stripe(digest)) {
            if (exists(digest)) {
                return false;
            }
            action.run();
            return true;
        }
    }

    /**
     * Moves the blob out of the store into {@code quarantine/}, where nothing serves it, keeping it for a
     * post-mortem; returns where it went, or null when it was not there.
     */
    public Path quarantine(Digest digest) throws IOException {
        synchronized (stripe(digest)) {
            if (!exists(digest)) {
                return null;
            }
            Path target = layout.quarantineDir().resolve(digest.algorithm().prefix() + "-" + digest.hex());
            durability.moveIntoPlace(path(digest), target);
            delete(digest);
            return target;
        }
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

    private Object stripe(Digest digest) {
        return stripes[Math.floorMod(digest.hex().hashCode(), STRIPES)];
    }

    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        } catch (IOException ignored) {
            // only a hint for garbage collection; the blob itself is fine
        }
    }
}
