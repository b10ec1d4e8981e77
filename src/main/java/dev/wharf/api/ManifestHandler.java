package dev.wharf.api;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import dev.wharf.manifest.Descriptor;
import dev.wharf.manifest.Manifest;
import dev.wharf.manifest.ManifestParser;
import dev.wharf.oci.Digest;
import dev.wharf.oci.Reference;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.StoredManifest;
import dev.wharf.storage.Storage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.util.Map;

/**
 * {@code GET}, {@code HEAD}, {@code PUT} and {@code DELETE /v2/<name>/manifests/<tag|digest>}. A pull whose
 * tag, revision and bytes are all in memory is answered on the event loop without touching a worker thread.
 */
final class ManifestHandler {
    private final Vertx vertx;
    private final Storage storage;
    private final boolean deleteEnabled;
    private final int maxBytes;

    ManifestHandler(Vertx vertx, Storage storage, boolean deleteEnabled, int maxBytes) {
        this.vertx = vertx;
        this.storage = storage;
        this.deleteEnabled = deleteEnabled;
        this.maxBytes = maxBytes;
    }

    void handle(RoutingContext ctx, ApiRoute route) {
        HttpMethod method = ctx.request().method();
        Reference reference = Reference.parse(route.reference());
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            fetch(ctx, route.name(), reference, method == HttpMethod.HEAD);
        } else if (method == HttpMethod.PUT) {
            put(ctx, route.name(), reference);
        } else if (method == HttpMethod.DELETE) {
            delete(ctx, route.name(), reference);
        } else {
            throw Http.methodNotAllowed();
        }
    }

    private void fetch(RoutingContext ctx, RepositoryName name, Reference reference, boolean headOnly) {
        StoredManifest cached = storage.manifests().cached(name, reference.tag(), reference.digest());
        if (cached != null) {
            send(ctx, cached, headOnly);
            return;
        }
        vertx.executeBlocking(() -> lookup(name, reference), false)
                .onSuccess(m -> send(ctx, m, headOnly))
                .onFailure(err -> ErrorResponses.send(ctx, err));
    }

    private StoredManifest lookup(RepositoryName name, Reference reference) throws IOException {
        Digest digest = reference.isDigest() ? reference.digest() : storage.manifests().resolve(name, reference.tag());
        StoredManifest manifest = digest == null ? null : storage.manifests().get(name, digest);
        if (manifest == null) {
            if (!storage.repositories().exists(name)) {
                throw RegistryException.of(ErrorCode.NAME_UNKNOWN, "repository name not known to registry");
            }
            throw RegistryException.of(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown: " + reference);
        }
        return manifest;
    }

    private static void send(RoutingContext ctx, StoredManifest manifest, boolean headOnly) {
        HttpServerResponse response = ctx.response()
                .putHeader("Content-Type", manifest.mediaType())
                .putHeader("Docker-Content-Digest", manifest.digest().toString())
                .putHeader("ETag", "\"" + manifest.digest() + "\"")
                .putHeader("Content-Length", String.valueOf(manifest.content().length));
        if (headOnly) {
            response.end();
        } else {
            response.end(Buffer.buffer(manifest.content()));
        }
    }

    private void put(RoutingContext ctx, RepositoryName name, Reference reference) {
        String contentType = ctx.request().getHeader("Content-Type");
        LimitedBody.read(ctx.request(), Http.contentLength(ctx), maxBytes)
                .compose(body -> vertx.executeBlocking(() -> store(name, reference, body.getBytes(), contentType), false))
                .onSuccess(stored -> {
                    HttpServerResponse response = ctx.response().setStatusCode(201)
                            .putHeader("Location", "/v2/" + name + "/manifests/" + stored.digest())
                            .putHeader("Docker-Content-Digest", stored.digest().toString())
                            .putHeader("Content-Length", "0");
                    if (stored.subject() != null) {
                        response.putHeader("OCI-Subject", stored.subject().toString());
                    }
                    response.end();
                })
                .onFailure(err -> ErrorResponses.send(ctx, err));
    }

    private record Stored(Digest digest, Digest subject) {
    }

    /** Validates and stores a pushed manifest; blocking. */
    private Stored store(RepositoryName name, Reference reference, byte[] body, String contentType) throws IOException {
        Manifest manifest = ManifestParser.parse(body, contentType);
        Digest.Algorithm algorithm = reference.isDigest() ? reference.digest().algorithm() : Digest.Algorithm.SHA256;
        Digest digest = Digest.of(algorithm, algorithm.newHasher().digest(body));
        if (reference.isDigest() && !reference.digest().equals(digest)) {
            throw RegistryException.withDetail(ErrorCode.DIGEST_INVALID, "the manifest's digest does not match the URL",
                    Map.of("expected", reference.digest().toString(), "actual", digest.toString()));
        }
        checkReferencesPresent(name, manifest);
        storage.manifests().put(name, new StoredManifest(digest, body, manifest.mediaType()));
        if (!reference.isDigest()) {
            storage.manifests().tag(name, reference.tag(), digest);
        }
        if (manifest.subject() != null) {
            Descriptor asReferrer = new Descriptor(manifest.mediaType(), digest, body.length, null,
                    manifest.effectiveArtifactType(), manifest.annotations());
            storage.manifests().addReferrer(name, manifest.subject().digest(), digest, Json.MAPPER.writeValueAsBytes(asReferrer));
        }
        return new Stored(digest, manifest.subject() == null ? null : manifest.subject().digest());
    }

    /**
     * Checks that every blob and child manifest is there. Each is touched (under the blob store's digest
     * lock) before it is checked, so that garbage collection running now either spares it for its grace
     * period or has already removed it, in which case the push fails here instead of storing a manifest
     * that points at nothing.
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

    private void delete(RoutingContext ctx, RepositoryName name, Reference reference) {
        if (!deleteEnabled) {
            throw RegistryException.of(ErrorCode.UNSUPPORTED, "deletes are disabled on this registry");
        }
        vertx.executeBlocking(() -> {
            if (!reference.isDigest()) {
                if (!storage.manifests().untag(name, reference.tag())) {
                    throw RegistryException.of(ErrorCode.MANIFEST_UNKNOWN, "tag unknown: " + reference);
                }
                return null;
            }
            StoredManifest stored = storage.manifests().get(name, reference.digest());
            if (stored == null) {
                throw RegistryException.of(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown: " + reference);
            }
            storage.manifests().delete(name, reference.digest());
            Manifest parsed = ManifestParser.parse(stored.content(), stored.mediaType());
            if (parsed.subject() != null) {
                storage.manifests().removeReferrer(name, parsed.subject().digest(), reference.digest());
            }
            return null;
        }, false).onSuccess(v -> ctx.response().setStatusCode(202).putHeader("Content-Length", "0").end())
                .onFailure(err -> ErrorResponses.send(ctx, err));
    }
}
