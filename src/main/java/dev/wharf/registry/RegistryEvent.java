package dev.wharf.registry;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;

import java.time.Instant;

/**
 * Something a client did to the registry that an outside system may want to hear of: a manifest pushed or
 * pulled, a manifest, tag or blob deleted. Facts only, known once the operation has succeeded; who did it and over
 * which request is the HTTP layer's business and is not here.
 *
 * @param action     push, pull or delete
 * @param target     what was acted on
 * @param repository the repository it happened in
 * @param digest     the manifest's or blob's digest; for a deleted tag, the manifest it pointed at (null if unknown)
 * @param mediaType  the manifest's media type; null for blobs and tags
 * @param size       the manifest's length in bytes; -1 when not known (blobs, tags)
 * @param tag        the tag a push or pull named, or the deleted tag; null when the client named a digest
 * @param time       when the registry finished the operation
 */
public record RegistryEvent(Action action, Target target, RepositoryName repository, Digest digest, String mediaType,
                            long size, Tag tag, Instant time) {

    public enum Action { PUSH, PULL, DELETE }

    public enum Target { MANIFEST, TAG, BLOB }

    public static RegistryEvent manifestPushed(RepositoryName repository, Digest digest, String mediaType, long size, Tag tag) {
        return new RegistryEvent(Action.PUSH, Target.MANIFEST, repository, digest, mediaType, size, tag, Instant.now());
    }

    public static RegistryEvent manifestPulled(RepositoryName repository, Digest digest, String mediaType, long size, Tag tag) {
        return new RegistryEvent(Action.PULL, Target.MANIFEST, repository, digest, mediaType, size, tag, Instant.now());
    }

    public static RegistryEvent manifestDeleted(RepositoryName repository, Digest digest, String mediaType, long size) {
        return new RegistryEvent(Action.DELETE, Target.MANIFEST, repository, digest, mediaType, size, null, Instant.now());
    }

    public static RegistryEvent tagDeleted(RepositoryName repository, Tag tag, Digest pointedAt) {
        return new RegistryEvent(Action.DELETE, Target.TAG, repository, pointedAt, null, -1, tag, Instant.now());
    }

    public static RegistryEvent blobDeleted(RepositoryName repository, Digest digest) {
        return new RegistryEvent(Action.DELETE, Target.BLOB, repository, digest, null, -1, null, Instant.now());
    }
}
