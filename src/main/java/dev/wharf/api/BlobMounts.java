package dev.wharf.api;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.Storage;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;

/**
 * Cross-repository blob mounts: linking a blob that is already stored into another repository, so that
 * a push of an image built on a shared base writes nothing new. Blocking: call from a worker thread.
 */
final class BlobMounts {
    /** How many repositories an automatic mount (no {@code from}) looks through for one holding the blob. */
    private static final int AUTO_MOUNT_SCAN_LIMIT = 10_000;

    private final Storage storage;
    private final AccessCheck access;

    BlobMounts(Storage storage, AccessCheck access) {
        this.storage = storage;
        this.access = access;
    }

    /**
     * Links {@code digest} into {@code target} when the caller may pull it from {@code from} (or, when
     * {@code from} is null, from any repository that holds it). False means: fall back to a normal upload.
     */
    boolean tryMount(RoutingContext ctx, RepositoryName target, Digest digest, RepositoryName from) throws IOException {
        // touched, not just checked: a mounted blob must survive garbage collection until its manifest arrives
        if (!storage.blobs().touchIfPresent(digest)) {
            return false;
        }
        if (storage.repositories().holdsBlob(target, digest)) {
            return true;
        }
        RepositoryName source = from != null ? (mayMountFrom(ctx, from, digest) ? from : null) : findSource(ctx, digest);
        if (source == null) {
            return false;
        }
        storage.repositories().linkBlob(target, digest);
        return true;
    }

    private boolean mayMountFrom(RoutingContext ctx, RepositoryName from, Digest digest) {
        return storage.repositories().holdsBlob(from, digest) && access.mayPull(ctx, from);
    }

    private RepositoryName findSource(RoutingContext ctx, Digest digest) {
        int scanned = 0;
        for (String name : storage.repositories().names()) {
            if (++scanned > AUTO_MOUNT_SCAN_LIMIT) {
                break;
            }
            RepositoryName candidate = RepositoryName.parse(name);
            if (mayMountFrom(ctx, candidate, digest)) {
                return candidate;
            }
        }
        return null;
    }
}
