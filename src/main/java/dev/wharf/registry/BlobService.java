package dev.wharf.registry;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.BlobSource;
import dev.wharf.storage.Storage;
import io.vertx.core.Future;

/** Blobs as one repository sees them: a repository reads and deletes only the blobs it holds. */
public final class BlobService {
    private final Storage storage;
    private final Blocking blocking;
    private final boolean deleteEnabled;
    private final EventSink events;

    BlobService(Storage storage, Blocking blocking, boolean deleteEnabled, EventSink events) {
        this.storage = storage;
        this.blocking = blocking;
        this.deleteEnabled = deleteEnabled;
        this.events = events;
    }

    /** Where the blob's bytes are, with their size; {@code BLOB_UNKNOWN} unless the repository holds it. */
    public Future<BlobSource> open(RepositoryName name, Digest digest) {
        return blocking.run(() -> {
            if (!storage.repositories().holdsBlob(name, digest)) {
                throw RegistryException.of(ErrorCode.BLOB_UNKNOWN, "blob unknown to repository");
            }
            return storage.blobs().source(digest)
                    .orElseThrow(() -> RegistryException.of(ErrorCode.BLOB_UNKNOWN, "blob unknown to registry"));
        });
    }

    /**
     * As {@link #open}, for the pull-through cache: a blob stored for another repository is linked into this one
     * first (a cache's blobs are the upstream's, known by digest, so one stored copy serves every cached name).
     * One worker hop for both, since a cold pull waits for it.
     */
    public Future<BlobSource> openOrAdopt(RepositoryName name, Digest digest) {
        return blocking.run(() -> {
            if (!storage.repositories().holdsBlob(name, digest) && !adoptNow(name, digest)) {
                throw RegistryException.of(ErrorCode.BLOB_UNKNOWN, "blob unknown to registry");
            }
            return storage.blobs().source(digest)
                    .orElseThrow(() -> RegistryException.of(ErrorCode.BLOB_UNKNOWN, "blob unknown to registry"));
        });
    }

    /**
     * Links a blob already stored for some repository into {@code name}, for the pull-through cache; false when the
     * blob is not stored at all.
     */
    public Future<Boolean> adopt(RepositoryName name, Digest digest) {
        return blocking.run(() -> adoptNow(name, digest));
    }

    /** Blocking. The touch (atomic with garbage collection's removals) keeps the blob for its grace period. */
    private boolean adoptNow(RepositoryName name, Digest digest) throws java.io.IOException {
        if (!storage.blobs().touchIfPresent(digest)) {
            return false;
        }
        storage.repositories().linkBlob(name, digest);
        return true;
    }

    /**
     * Removes the repository's link to the blob. The content itself is reclaimed by garbage collection once no
     * repository holds it. Published as a blob delete.
     */
    public Future<Void> delete(RepositoryName name, Digest digest) {
        if (!deleteEnabled) {
            return Blocking.translated(Failures.deletesDisabled());
        }
        return blocking.<Void>run(() -> {
            if (!storage.repositories().unlinkBlob(name, digest)) {
                throw RegistryException.of(ErrorCode.BLOB_UNKNOWN, "blob unknown to repository");
            }
            return null;
        }).onSuccess(v -> events.publish(RegistryEvent.blobDeleted(name, digest)));
    }
}
