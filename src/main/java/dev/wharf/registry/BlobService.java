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

    BlobService(Storage storage, Blocking blocking, boolean deleteEnabled) {
        this.storage = storage;
        this.blocking = blocking;
        this.deleteEnabled = deleteEnabled;
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
     * Removes the repository's link to the blob. The content itself is reclaimed by garbage collection once no
     * repository holds it.
     */
    public Future<Void> delete(RepositoryName name, Digest digest) {
        if (!deleteEnabled) {
            return Blocking.translated(Failures.deletesDisabled());
        }
        return blocking.run(() -> {
            if (!storage.repositories().unlinkBlob(name, digest)) {
                throw RegistryException.of(ErrorCode.BLOB_UNKNOWN, "blob unknown to repository");
            }
            return null;
        });
    }
}
