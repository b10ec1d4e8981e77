package dev.wharf.registry;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.Storage;

import java.io.IOException;
import java.util.function.Predicate;

/**
 * Cross-repository blob mounts: linking a blob that is already stored into another repository, so that a push
 * of an image built on a shared base writes nothing new. Blocking: call from a worker thread.
 */
final class BlobMounts {
    /** How many repositories an automatic mount (no {@code from}) looks through for one holding the blob. */
    private static final int AUTO_MOUNT_SCAN_LIMIT = 10_000;

    private final Storage storage;

    BlobMounts(Storage storage) {
        this.storage = storage;
    }

    /**
     * Links {@code digest} into {@code target} when the caller may pull it from {@code from} (or, when
     * {@code from} is null, from any repository that holds it). False means: fall back to a normal upload.
     */
    boolean tryMount(RepositoryName target, Digest digest, RepositoryName from, Predicate<RepositoryName> mayPull)
            throws IOException {
        // touched, not just checked: a mounted blob must survive garbage collection until its manifest arrives
        if (!storage.blobs().touchIfPresent(digest)) {
            return false;
        }
        if (storage.repositories().holdsBlob(target, digest)) {
            return true;
        }
        RepositoryName source = from != null ? (mayMountFrom(from, digest, mayPull) ? from : null) : findSource(digest, mayPull);
        if (source == null) {
            return false;
        }
        storage.repositories().linkBlob(target, digest);
        return true;
    }

    private boolean mayMountFrom(RepositoryName from, Digest digest, Predicate<RepositoryName> mayPull) throws IOException {
        return storage.repositories().holdsBlob(from, digest) && mayPull.test(from);
    }

    private RepositoryName findSource(Digest digest, Predicate<RepositoryName> mayPull) throws IOException {
        int scanned = 0;
        for (String name : storage.repositories().names()) {
            if (++scanned > AUTO_MOUNT_SCAN_LIMIT) {
                break;
            }
            RepositoryName candidate = RepositoryName.parse(name);
            if (mayMountFrom(candidate, digest, mayPull)) {
                return candidate;
            }
        }
        return null;
    }
}
