package dev.wharf.registry;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import dev.wharf.manifest.Descriptor;
import dev.wharf.manifest.Manifest;
import dev.wharf.manifest.ManifestParser;
import dev.wharf.oci.Digest;
import dev.wharf.oci.Reference;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.Storage;
import dev.wharf.storage.StoredManifest;
import io.vertx.core.Future;

import java.io.IOException;
import java.util.Map;

/**
 * Manifests: resolve and read (by tag or digest), push (validate, check that everything it references is
 * there, store, tag, record it as a referrer of its subject) and delete. A pull whose tag, revision and bytes
 * are all in memory is answered without a thread hop. Pushes, pulls (reads for a client's {@code GET}) and
 * deletes are published as {@link RegistryEvent}s once they have succeeded.
 */
public final class ManifestService {

    private final Storage storage;
    private final Blocking blocking;
    private final boolean deleteEnabled;
    private final EventSink events;

    ManifestService(Storage storage, Blocking blocking, boolean deleteEnabled, EventSink events) {
        this.storage = storage;
        this.blocking = blocking;
        this.deleteEnabled = deleteEnabled;
        this.events = events;
    }

    /**
     * The manifest {@code reference} names; {@code MANIFEST_UNKNOWN}, or {@code NAME_UNKNOWN} without the repository.
     * Not a pull: a {@code HEAD}, or a read the registry makes for itself. See {@link #pull}.
     */
    public Future<StoredManifest> get(RepositoryName name, Reference reference) {
        StoredManifest cached = storage.manifests().cached(name, reference.tag(), reference.digest());
        if (cached != null) {
            return Future.succeededFuture(cached);
        }
        return blocking.run(() -> lookup(name, reference));
    }

    private StoredManifest lookup(RepositoryName name, Reference reference) throws IOException {
        Digest digest = reference.isDigest() ? reference.digest() : storage.tags().resolve(name, reference.tag());
        StoredManifest manifest = digest == null ? null : storage.manifests().get(name, digest);
        if (manifest == null) {
            if (!storage.repositories().exists(name)) {
                throw RegistryException.of(ErrorCode.NAME_UNKNOWN, "repository name not known to registry");
            }
            throw RegistryException.of(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown: " + reference);
        }
        return manifest;
    }

    /** As {@link #get}, for a client's {@code GET} of the manifest: published as a pull. */
    public Future<StoredManifest> pull(RepositoryName name, Reference reference) {
        return get(name, reference).onSuccess(manifest -> pulled(name, reference, manifest));
    }

    /**
     * Publishes a pull of a manifest read some other way than {@link #pull}: the pull-through cache's, which reads
     * through {@link #get} and the upstream.
     */
    public void pulled(RepositoryName name, Reference reference, StoredManifest manifest) {
        events.publish(RegistryEvent.manifestPulled(name, manifest.digest(), manifest.mediaType(), manifest.content().length,
                reference.tag()));
    }

    /** Validates and stores a pushed manifest, tags it when {@code reference} is a tag. Published as a push. */
    public Future<PushedManifest> put(RepositoryName name, Reference reference, byte[] body, String contentType) {
        return blocking.run(() -> store(name, reference, body, contentType))
                .onSuccess(pushed -> events.publish(RegistryEvent.manifestPushed(name, pushed.digest(), pushed.mediaType(),
                        pushed.size(), reference.tag())));
    }

    /**
     * Stores a manifest the pull-through cache fetched from an upstream: validated, digest-checked, tagged and
     * recorded as a referrer like a push, but without requiring its blobs and children to be here already (a
     * cache fetches those when they are first pulled). No client pushed it, so it is not published.
     */
    public Future<PushedManifest> putFetched(RepositoryName name, Reference reference, byte[] body, String contentType) {
        return blocking.run(() -> store(name, reference, body, contentType, false));
    }

    private PushedManifest store(RepositoryName name, Reference reference, byte[] body, String contentType) throws IOException {
        return store(name, reference, body, contentType, true);
    }

    private PushedManifest store(RepositoryName name, Reference reference, byte[] body, String contentType,
                                 boolean requireReferences) throws IOException {
        Manifest manifest = ManifestParser.parse(body, contentType);
        Digest.Algorithm algorithm = reference.isDigest() ? reference.digest().algorithm() : Digest.Algorithm.SHA256;
        Digest digest = Digest.of(algorithm, algorithm.newHasher().digest(body));
        if (reference.isDigest() && !reference.digest().equals(digest)) {
            throw RegistryException.withDetail(ErrorCode.DIGEST_INVALID, "the manifest's digest does not match the URL",
                    Map.of("expected", reference.digest().toString(), "actual", digest.toString()));
        }
        if (requireReferences) {
            checkReferencesPresent(name, manifest);
        }
        storage.manifests().put(name, new StoredManifest(digest, body, manifest.mediaType()));
        if (!reference.isDigest()) {
            storage.tags().tag(name, reference.tag(), digest);
        }
        if (manifest.subject() != null) {
            Descriptor asReferrer = new Descriptor(manifest.mediaType(), digest, body.length, null,
                    manifest.effectiveArtifactType(), manifest.annotations());
            storage.referrers().add(name, manifest.subject().digest(), digest, Json.MAPPER.writeValueAsBytes(asReferrer));
        }
        return new PushedManifest(digest, manifest.subject() == null ? null : manifest.subject().digest(), manifest.mediaType(),
                body.length);
    }

    /**
     * Checks that every blob and child manifest is there. Each is touched (atomically with garbage collection's
     * removals) before it is checked, so that a collection running now either spares it for its grace period or
     * has already removed it, in which case the push fails here instead of storing a manifest that points at
     * nothing. A touch that fails fails the push.
     */
    private void checkReferencesPresent(RepositoryName name, Manifest manifest) throws IOException {
        for (Digest blob : manifest.requiredBlobs()) {
            if (!storage.repositories().holdsBlob(name, blob) || !storage.blobs().touchIfPresent(blob)) {
                throw RegistryException.withDetail(ErrorCode.MANIFEST_BLOB_UNKNOWN,
                        "blob " + blob + " is not in repository " + name, Map.of("digest", blob.toString()));
            }
        }
        for (Descriptor child : manifest.manifests()) {
            if (!storage.blobs().touchIfPresent(child.digest()) || !storage.manifests().holds(name, child.digest())) {
                throw RegistryException.withDetail(ErrorCode.MANIFEST_BLOB_UNKNOWN,
                        "manifest " + child.digest() + " of the index is not in repository " + name,
                        Map.of("digest", child.digest().toString()));
            }
        }
    }

    /**
     * Deletes a tag (the manifest stays), or a manifest by digest with its tags and its referrer record. Published
     * as a tag delete or a manifest delete.
     */
    public Future<Void> delete(RepositoryName name, Reference reference) {
        if (!deleteEnabled) {
            return Blocking.translated(Failures.deletesDisabled());
        }
        return blocking.run(() -> {
            if (!reference.isDigest()) {
                // what the tag pointed at, for the event: one more read (a round trip on S3), so only when heard
                Digest pointedAt = events.listening() ? storage.tags().resolve(name, reference.tag()) : null;
                if (!storage.tags().untag(name, reference.tag())) {
                    throw RegistryException.of(ErrorCode.MANIFEST_UNKNOWN, "tag unknown: " + reference);
                }
                return RegistryEvent.tagDeleted(name, reference.tag(), pointedAt);
            }
            StoredManifest removed = remove(name, reference.digest());
            if (removed == null) {
                throw RegistryException.of(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown: " + reference);
            }
            return RegistryEvent.manifestDeleted(name, removed.digest(), removed.mediaType(), removed.content().length);
        }).onSuccess(events::publish).mapEmpty();
    }

    /**
     * Removes a manifest, its tags and its referrer record, whatever {@code storage.deleteEnabled} says: the
     * pull-through cache's eviction, which must work on a registry that refuses client deletes. Blocking;
     * false when it was not there. Not published: no client deleted it.
     */
    public boolean evict(RepositoryName name, Digest digest) throws IOException {
        return remove(name, digest) != null;
    }

    /** The manifest removed, or null when it was not there. */
    private StoredManifest remove(RepositoryName name, Digest digest) throws IOException {
        StoredManifest stored = storage.manifests().get(name, digest);
        if (stored == null) {
            return null;
        }
        storage.manifests().delete(name, digest);
        Manifest parsed = ManifestParser.parse(stored.content(), stored.mediaType());
        if (parsed.subject() != null) {
            storage.referrers().remove(name, parsed.subject().digest(), digest);
        }
        return stored;
    }
}
