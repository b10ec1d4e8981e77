package dev.wharf.api;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.Digest;
import dev.wharf.storage.Storage;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.OptionalLong;

/** {@code GET}, {@code HEAD} and {@code DELETE /v2/<name>/blobs/<digest>}. Bodies go out with zero-copy sendFile. */
final class BlobHandler {
    private final Vertx vertx;
    private final Storage storage;
    private final boolean deleteEnabled;

    BlobHandler(Vertx vertx, Storage storage, boolean deleteEnabled) {
        this.vertx = vertx;
        this.storage = storage;
        this.deleteEnabled = deleteEnabled;
    }

    void handle(RoutingContext ctx, ApiRoute route) {
        HttpMethod method = ctx.request().method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            fetch(ctx, route, method == HttpMethod.HEAD);
        } else if (method == HttpMethod.DELETE) {
            delete(ctx, route);
        } else {
            throw Http.methodNotAllowed();
        }
    }

    private void fetch(RoutingContext ctx, ApiRoute route, boolean headOnly) {
        Digest digest = Digest.parse(route.reference());
        ByteRange.Header rangeHeader = ByteRange.Header.parse(ctx.request().getHeader("Range"));
        vertx.executeBlocking(() -> {
            if (!storage.repositories().holdsBlob(route.name(), digest)) {
                throw RegistryException.of(ErrorCode.BLOB_UNKNOWN, "blob unknown to repository");
            }
            OptionalLong size = storage.blobs().size(digest);
            if (size.isEmpty()) {
                throw RegistryException.of(ErrorCode.BLOB_UNKNOWN, "blob unknown to registry");
            }
            return size.getAsLong();
        }, false).onSuccess(size -> {
            ByteRange range;
            try {
                range = rangeHeader == null ? null : rangeHeader.resolve(size);
            } catch (RegistryException unsatisfiable) {
                // thrown from a callback, it would reach no failure handler and leave the client hanging
                ErrorResponses.send(ctx, unsatisfiable);
                return;
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
            if (headOnly) {
                response.putHeader("Content-Length", String.valueOf(length)).end();
            } else if (length == 0) {
                response.putHeader("Content-Length", "0").end();
            } else {
                response.sendFile(storage.blobs().path(digest).toString(), offset, length)
                        .onFailure(err -> ErrorResponses.send(ctx, err));
            }
        }).onFailure(err -> ErrorResponses.send(ctx, err));
    }

    private void delete(RoutingContext ctx, ApiRoute route) {
        Digest digest = Digest.parse(route.reference());
        if (!deleteEnabled) {
            throw RegistryException.of(ErrorCode.UNSUPPORTED, "deletes are disabled on this registry");
        }
        vertx.executeBlocking(() -> {
            // Only this repository's link goes; the content itself is reclaimed by garbage collection
            // once no repository holds it.
            if (!storage.repositories().unlinkBlob(route.name(), digest)) {
                throw RegistryException.of(ErrorCode.BLOB_UNKNOWN, "blob unknown to repository");
            }
            return null;
        }, false).onSuccess(v -> ctx.response().setStatusCode(202).putHeader("Content-Length", "0")
                        .putHeader("Docker-Content-Digest", digest.toString()).end())
                .onFailure(err -> ErrorResponses.send(ctx, err));
    }
}
