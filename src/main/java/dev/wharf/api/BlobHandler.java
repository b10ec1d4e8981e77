package dev.wharf.api;

import dev.wharf.oci.Digest;
import dev.wharf.registry.BlobService;
import dev.wharf.storage.BlobSource;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET}, {@code HEAD} and {@code DELETE /v2/<name>/blobs/<digest>}. Bodies go out with zero-copy sendFile over
 * plain HTTP, and through {@link FileRangeSender} over TLS.
 */
final class BlobHandler {
    private final BlobService blobs;

    BlobHandler(BlobService blobs) {
        this.blobs = blobs;
    }

    Future<Void> handle(RoutingContext ctx, ApiRoute route) {
        HttpMethod method = ctx.request().method();
        Digest digest = Digest.parse(route.reference());
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            ByteRange.Header rangeHeader = ByteRange.Header.parse(ctx.request().getHeader("Range"));
            return blobs.open(route.name(), digest).compose(source -> send(ctx, digest, source, rangeHeader, method == HttpMethod.HEAD));
        } else if (method == HttpMethod.DELETE) {
            return blobs.delete(route.name(), digest).compose(v -> ctx.response().setStatusCode(202)
                    .putHeader("Content-Length", "0").putHeader("Docker-Content-Digest", digest.toString()).end());
        }
        throw Http.methodNotAllowed();
    }

    private static Future<Void> send(RoutingContext ctx, Digest digest, BlobSource source, ByteRange.Header rangeHeader, boolean headOnly) {
        long size = source.size();
        ByteRange range = rangeHeader == null ? null : rangeHeader.resolve(size);
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
        if (headOnly) {
            return response.putHeader("Content-Length", String.valueOf(length)).end();
        }
        if (length == 0) {
            return response.putHeader("Content-Length", "0").end();
        }
        BlobSource.File file = (BlobSource.File) source;
        if (!ctx.request().isSSL()) {
            return response.sendFile(file.path().toString(), offset, length);
        }
        return FileRangeSender.send(response.putHeader("Content-Length", String.valueOf(length)), file.path(), offset, length);
    }
}
