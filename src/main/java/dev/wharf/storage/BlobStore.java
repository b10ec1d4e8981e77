package dev.wharf.storage;

import dev.wharf.oci.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The content-addressed store: each blob once, named by its digest, whatever the number of repositories that
 * hold it. Writes are idempotent (the same digest is the same bytes), so concurrent pushes of one blob need no
 * lock between themselves.
 *
 * <p>Garbage collection is the one writer that must not interleave with them: "GC sees an old blob, a manifest
 * push checks that the blob exists, GC deletes it" would leave the new manifest pointing at nothing. So every
 * step that relies on a blob staying ({@link #touchIfPresent}, {@link #put}, and committing an upload) and every
 * step that removes one ({@link #deleteIfOlderThan}, {@link #runIfOlderThan}, {@link #quarantine}) is atomic
 * per digest: either the push refreshes the blob's time first, and the sweep then finds it young and keeps
 * it, or the sweep deletes it first, and the push then finds it gone and says so. See docs/storage.md.
 *
 * <p>All methods block: call them from a worker thread, never from an event loop.
 */
public interface BlobStore {

    /** What runs while a digest is held still (no push can refresh, store or remove it). */
    @FunctionalInterface
    interface LockedAction {
        void run() throws IOException;
    }

    /** The blob's size, or empty when it is not stored. */
    OptionalLong size(Digest digest);

    boolean exists(Digest digest);

    /** How a reader gets the bytes, with their size: empty when the blob is not stored. */
    Optional<BlobSource> source(Digest digest);

    /** The bytes as a stream, for readers that hash or copy them (verify). */
    InputStream openStream(Digest digest) throws IOException;

    /**
     * Whether the blob is stored; if it is, its time is refreshed so that garbage collection spares it for a
     * grace period. Call this (not {@link #exists}) before recording a new reference to the blob (a manifest
     * push, a mount), so that the blob cannot be swept between the check and the reference. A refresh that
     * fails throws: the caller must not go on as if the blob were protected.
     */
    boolean touchIfPresent(Digest digest) throws IOException;

    /** Stores small content (a manifest) held in memory; returns true when the blob was new. */
    boolean put(Digest digest, byte[] content) throws IOException;

    byte[] read(Digest digest) throws IOException;

    /** When the blob was last written or touched. */
    Instant modified(Digest digest) throws IOException;

    /** Deletes the blob if it was last touched before {@code cutoff}, atomically with {@link #touchIfPresent}. */
    boolean deleteIfOlderThan(Digest digest, Instant cutoff) throws IOException;

    /**
     * Runs {@code action} while no push can refresh or re-create the blob, if the blob is stored and was last
     * touched before {@code cutoff}; returns whether it ran.
     */
    boolean runIfOlderThan(Digest digest, Instant cutoff, LockedAction action) throws IOException;

    /** Runs {@code action} while the blob is absent and no push can store it; returns whether it ran. */
    boolean runIfAbsent(Digest digest, LockedAction action) throws IOException;

    /** Moves the blob where nothing serves it, for a post-mortem; returns where it went, or null when absent. */
    String quarantine(Digest digest) throws IOException;

    /** Every stored digest, for garbage collection and integrity checks. */
    List<Digest> list() throws IOException;

    /**
     * The sizes of {@code digests} (those still stored), for {@code du}; {@code each} hears every size as it is
     * known (progress). By default a size lookup per blob; a store whose listing carries sizes answers from one.
     */
    default Map<Digest, Long> sizes(List<Digest> digests, LongConsumer each) throws IOException {
        Map<Digest, Long> all = new LinkedHashMap<>();
        for (Digest d : digests) {
            OptionalLong size = size(d);
            if (size.isPresent()) {
                all.put(d, size.getAsLong());
                each.accept(size.getAsLong());
            }
        }
        return all;
    }

    /**
     * Ends a sweep of {@link #deleteIfOlderThan} calls. A store whose deletes cannot be atomic with a push on
     * another process (S3) only sets blobs aside during the sweep and settles them here; see docs/storage.md.
     * Returns the blobs it gave back because a push referenced them meanwhile.
     */
    default List<Digest> settleSweep() throws IOException {
        return List.of();
    }
}
