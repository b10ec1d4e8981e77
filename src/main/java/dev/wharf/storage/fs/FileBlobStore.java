package dev.wharf.storage.fs;

import dev.wharf.oci.Digest;
import dev.wharf.storage.BlobSource;
import dev.wharf.storage.BlobStore;
import dev.wharf.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The filesystem driver's blob store: each blob at {@code blobs/<alg>/<hex[0..2]>/<hex>/data} (see
 * {@link StorageLayout}), written by renaming a verified, fsync'd file into place, so it is whole or absent.
 * The per-digest atomicity that {@link BlobStore} promises is a lock striped by digest, and a blob's "time" is
 * its file's modification time. Blocking.
 */
public final class FileBlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileBlobStore.class);
    private static final int STRIPES = 64;

    private final StorageLayout layout;
    private final Durability durability;
    private final FileTimes times;
    private final Object[] stripes = new Object[STRIPES];

    public FileBlobStore(StorageLayout layout, Durability durability) {
        this(layout, durability, FileTimes.DIRECT);
    }

    /** A store that sets blob times through {@code times} (a test seam for a failing touch). */
    public FileBlobStore(StorageLayout layout, Durability durability, FileTimes times) {
        this.layout = layout;
        this.durability = durability;
        this.times = times;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /** Where the blob's file is (whether or not it exists); for this driver's own callers and tests. */
    public Path path(Digest digest) {
        return layout.blobData(digest);
    }

    @Override
    public Optional<BlobSource> source(Digest digest) {
        Path file = path(digest);
        OptionalLong size = size(digest);
        return size.isPresent() ? Optional.of(new BlobSource.File(file, size.getAsLong())) : Optional.empty();
    }

    @Override
    public InputStream openStream(Digest digest) throws IOException {
        return Files.newInputStream(path(digest));
    }

    @Override
    public OptionalLong size(Digest digest) {
        try {
            return OptionalLong.of(Files.size(path(digest)));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new StorageException("cannot stat blob " + digest, e);
        }
    }

    @Override
    public boolean exists(Digest digest) {
        return Files.isRegularFile(path(digest));
    }

    @Override
    public boolean touchIfPresent(Digest digest) throws IOException {
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
    @Override
    public boolean put(Digest digest, byte[] content) throws IOException {
        synchronized (stripe(digest)) {
            if (touchIfPresent(digest)) {
                return false;
            }
            durability.writeAtomically(path(digest), content);
            return true;
        }
    }

    @Override
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

    @Override
    public Instant modified(Digest digest) throws IOException {
        return Files.getLastModifiedTime(path(digest)).toInstant();
    }

    /**
     * Deletes the blob if it was last written or touched before {@code cutoff}, atomically with respect to
     * {@link #touchIfPresent}; the sweep of garbage collection.
     */
    @Override
    public boolean deleteIfOlderThan(Digest digest, Instant cutoff) throws IOException {
        return runIfOlderThan(digest, cutoff, () -> delete(digest));
    }

    /**
     * Runs {@code action} while no push can refresh or re-create the blob, if the blob is stored and was last
     * touched before {@code cutoff}; returns whether it ran. Garbage collection removes an unreferenced
     * manifest this way, so that an index push naming it in the meantime either keeps it or finds it gone.
     */
    @Override
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
    @Override
    public boolean runIfAbsent(Digest digest, LockedAction action) throws IOException {
        synchronized (stripe(digest)) {
            if (exists(digest)) {
                return false;
            }
            action.run();
            return true;
        }
    }

    /** Moves the blob into {@code quarantine/}, where nothing serves it; returns the file's path, or null. */
    @Override
    public String quarantine(Digest digest) throws IOException {
        synchronized (stripe(digest)) {
            if (!exists(digest)) {
                return null;
            }
            Path target = layout.quarantined(digest);
            durability.moveIntoPlace(path(digest), target);
            delete(digest);
            return target.toString();
        }
    }

    /** Every stored digest, for garbage collection and integrity checks. */
    @Override
    public List<Digest> list() throws IOException {
        List<Digest> digests = new ArrayList<>();
        for (Digest.Algorithm algorithm : Digest.Algorithm.values()) {
            Path dir = layout.blobsDir(algorithm);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> shards = Files.list(dir)) {
                for (Path shard : (Iterable<Path>) shards::iterator) {
                    try (Stream<Path> blobs = Files.list(shard)) {
                        for (Path blob : (Iterable<Path>) blobs::iterator) {
                            Digest digest = new Digest(algorithm, blob.getFileName().toString());
                            if (Files.isRegularFile(layout.blobData(digest))) {
                                digests.add(digest);
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

    /**
     * Refreshes the file's time. This is the interlock with garbage collection, not a hint: a blob whose time
     * cannot be set (another owner, a read-only mount) would look old to the sweep and be removed under the
     * manifest that needs it, so a failure fails the operation that relies on it.
     */
    private void touch(Path file) throws IOException {
        try {
            times.setModified(file, FileTime.from(Instant.now()));
        } catch (IOException e) {
            LOG.error("cannot refresh the time of {}; the operation that needs the blob fails: {}", file, e.toString());
            throw new IOException("cannot protect blob " + file.getParent().getFileName() + " from garbage collection: " + e.getMessage(), e);
        }
    }
}
