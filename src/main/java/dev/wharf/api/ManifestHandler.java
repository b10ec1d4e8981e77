package dev.wharf.api;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.Digest;
import dev.wharf.oci.Reference;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;
import dev.wharf.mirror.CacheTarget;
import dev.wharf.mirror.PullThrough;
import dev.wharf.registry.ManifestService;
import dev.wharf.storage.StoredManifest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** {@code GET}, {@code HEAD}, {@code PUT} and {@code DELETE /v2/<name>/manifests/<tag|digest>}. */
final class ManifestHandler {
    private final ManifestService manifests;
    private final PullThrough pullThrough;
    private final int maxBytes;

    ManifestHandler(ManifestService manifests, PullThrough pullThrough, int maxBytes) {
        this.manifests = manifests;
        this.pullThrough = pullThrough;
        this.maxBytes = maxBytes;
    }

    /** @param cached the upstream when the name is a pull-through cache's, else null */
    Future<Void> handle(RoutingContext ctx, ApiRoute route, CacheTarget cached) {
        HttpMethod method = ctx.request().method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            Reference reference = readable(route.reference());
            boolean head = method == HttpMethod.HEAD;
            // a GET is a pull (published to the webhooks); a HEAD only asks what a reference points at
            Future<StoredManifest> found = cached != null ? pullThrough.manifest(cached, reference, !head)
                    : head ? manifests.get(route.name(), reference) : manifests.pull(route.name(), reference);
            return found.compose(m -> send(ctx, m, head));
        }
        Reference reference = Reference.parse(route.reference());
        if (method == HttpMethod.PUT) {
            return put(ctx, route.name(), reference);
        } else if (method == HttpMethod.DELETE) {
            return manifests.delete(route.name(), reference)
                    .compose(v -> ctx.response().setStatusCode(202).putHeader("Content-Length", "0").end());
        }
        throw Http.methodNotAllowed();
    }

    /**
     * The reference of a read. A string that is neither a tag nor a digest names nothing that can exist, so a
     * read of it is {@code MANIFEST_UNKNOWN} (404, as the conformance suite and Distribution expect), while a
     * push to it stays {@code TAG_INVALID}. A malformed digest stays {@code DIGEST_INVALID}.
     */
    private static Reference readable(String text) {
        if (!Digest.looksLikeDigest(text) && !Tag.isValid(text)) {
            throw RegistryException.of(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown: no tag or digest has that form");
        }
        return Reference.parse(text);
    }

    private static Future<Void> send(RoutingContext ctx, StoredManifest manifest, boolean headOnly) {
        HttpServerResponse response = ctx.response()
                .putHeader("Content-Type", manifest.mediaType())
                .putHeader("Docker-Content-Digest", manifest.digest().toString())
                .putHeader("ETag", "\"" + manifest.digest() + "\"")
                .putHeader("Content-Length", String.valueOf(manifest.content().length));
        return headOnly ? response.end() : response.end(Buffer.buffer(manifest.content()));
    }

    private Future<Void> put(RoutingContext ctx, RepositoryName name, Reference reference) {
        String contentType = ctx.request().getHeader("Content-Type");
        return LimitedBody.read(ctx.request(), Http.contentLength(ctx), maxBytes)
                .compose(body -> manifests.put(name, reference, body.getBytes(), contentType))
                .compose(pushed -> {
                    HttpServerResponse response = ctx.response().setStatusCode(201)
                            .putHeader("Location", "/v2/" + name + "/manifests/" + pushed.digest())
                            .putHeader("Docker-Content-Digest", pushed.digest().toString())
                            .putHeader("Content-Length", "0");
                    if (pushed.subject() != null) {
                        response.putHeader("OCI-Subject", pushed.subject().toString());
                    }
                    return response.end();
                });
    }
}
