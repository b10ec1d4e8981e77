package dev.wharf.api;

import dev.wharf.mirror.CacheTarget;
import dev.wharf.mirror.PullThrough;
import dev.wharf.oci.Digest;
import dev.wharf.registry.BlobService;
import dev.wharf.storage.BlobSource;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET}, {@code HEAD} and {@code DELETE /v2/<name>/blobs/<digest>}. Bodies go out with zero-copy sendFile over
 * plain HTTP, and through {@link FileRangeSender} over TLS; a blob in an object store is relayed from its URL
 * ({@link UrlRelay}) or the client is redirected there.
 */
final class BlobHandler {
    private final BlobService blobs;
    private final PullThrough pullThrough;
    private final UrlRelay relay;

    BlobHandler(BlobService blobs, PullThrough pullThrough, UrlRelay relay) {
        this.blobs = blobs;
        this.pullThrough = pullThrough;
        this.relay = relay;
    }

    /** @param cached the upstream when the name is a pull-through cache's, else null */
    Future<Void> handle(RoutingContext ctx, ApiRoute route, CacheTarget cached) {
        HttpMethod method = ctx.request().method();
        Digest digest = Digest.parse(route.reference());
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            boolean head = method == HttpMethod.HEAD;
            ByteRange.Header rangeHeader = ByteRange.Header.parse(ctx.request().getHeader("Range"));
            Future<BlobSource> found = cached == null ? blobs.open(route.name(), digest) : pullThrough.blob(cached, digest, head);
            return found.compose(source -> send(ctx, digest, source, rangeHeader, head));
        } else if (method == HttpMethod.DELETE) {
            return blobs.delete(route.name(), digest).compose(v -> ctx.response().setStatusCode(202)
                    .putHeader("Content-Length", "0").putHeader("Docker-Content-Digest", digest.toString()).end());
        }
        throw Http.methodNotAllowed();
    }

    private Future<Void> send(RoutingContext ctx, Digest digest, BlobSource source, ByteRange.Header rangeHeader, boolean headOnly) {
        long size = source.size();
        ByteRange range;
        try {
            range = rangeHeader == null ? null : rangeHeader.resolve(size);
        } catch (RuntimeException e) {
            release(source);
            throw e;
        }
        if (source instanceof BlobSource.Redirect redirect && !headOnly) {
            // the object store serves the bytes (and the Range) itself
            return ctx.response().setStatusCode(307).putHeader("Location", redirect.location().toString())
                    .putHeader("Docker-Content-Digest", digest.toString()).end();
        }
        HttpServerResponse response = ctx.response()
                .putHeader("Docker-Content-Digest", digest.toString())
                .putHeader("ETag", "\"" + digest + "\"")
                .putHeader("Accept-Ranges", "bytes")
                .putHeader("Cache-Control", "max-age=31536000")
                .putHeader("Content-Type", "application/octet-stream");
        long offset = 0;
        long length = size;
        if (range != null) {
            offset = range.start();
            length = range.length();
            response.setStatusCode(206).putHeader("Content-Range", range.contentRange(size));
        }
        if (headOnly || length == 0) {
            release(source);
            return response.putHeader("Content-Length", String.valueOf(length)).end();
        }
        if (source instanceof BlobSource.Filling filling) {
            // still arriving from an upstream: sent as it grows, whatever the transport
            return FileRangeSender.send(response.putHeader("Content-Length", String.valueOf(length)), filling.progress(), offset, length);
        }
        if (source instanceof BlobSource.Relayed relayed) {
            return relay.send(response, relayed.location(), offset, length);
        }
        if (!(source instanceof BlobSource.File file)) {
            throw new IllegalStateException("a blob known only by its size has no body to send");
        }
        return ctx.request().isSSL()
                ? FileRangeSender.send(response.putHeader("Content-Length", String.valueOf(length)), file.path(), offset, length)
                : response.sendFile(file.path().toString(), offset, length);
    }

    /** A reader of a fill that sends no body gives its hold on the fill's file back. */
    private static void release(BlobSource source) {
        if (source instanceof BlobSource.Filling filling) {
            filling.progress().release();
        }
    }
}
