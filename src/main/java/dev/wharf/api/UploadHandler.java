package dev.wharf.api;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.registry.UploadService;
import dev.wharf.storage.UploadAppender;
import dev.wharf.storage.UploadSession;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blob uploads: {@code POST /v2/<name>/blobs/uploads/} (start, monolithic with {@code ?digest=}, or mount),
 * then {@code PATCH}, {@code PUT}, {@code GET} and {@code DELETE} on {@code /v2/<name>/blobs/uploads/<uuid>}.
 * The bodies stream from the socket into the upload service's appender with back-pressure.
 */
final class UploadHandler {
    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes )?(\\d+)-(\\d+)(?:/(?:\\d+|\\*))?");

    private final Vertx vertx;
    private final UploadService uploads;
    private final AccessCheck access;

    UploadHandler(Vertx vertx, UploadService uploads, AccessCheck access) {
        this.vertx = vertx;
        this.uploads = uploads;
        this.access = access;
    }

    Future<Void> start(RoutingContext ctx, ApiRoute route) {
        if (ctx.request().method() != HttpMethod.POST) {
            throw Http.methodNotAllowed();
        }
        RepositoryName name = route.name();
        String mount = ctx.request().getParam("mount");
        String digestParam = ctx.request().getParam("digest");
        if (mount != null) {
            Digest digest = Digest.parse(mount);
            String fromParam = ctx.request().getParam("from");
            RepositoryName from = fromParam == null ? null : RepositoryName.parse(fromParam);
            return uploads.mount(name, digest, from, repository -> access.mayPull(ctx, repository))
                    .compose(mounted -> mounted ? blobCreated(ctx, name, digest) : newSession(ctx, name));
        }
        if (digestParam != null) {
            Digest digest = Digest.parse(digestParam);
            ChunkRange range = ChunkRange.of(ctx);
            return uploads.pushWhole(name, digest, body(ctx, range)).compose(v -> blobCreated(ctx, name, digest));
        }
        return newSession(ctx, name);
    }

    Future<Void> handle(RoutingContext ctx, ApiRoute route) {
        HttpMethod method = ctx.request().method();
        if (method == HttpMethod.PATCH) {
            ChunkRange range = ChunkRange.of(ctx);
            // the appender knows the upload's size once the body is in: no second look at the file
            return session(route).compose(s -> appendBody(ctx, s, ChunkRange.startOf(range), range))
                    .compose(written -> progress(ctx, route.name(), route.reference(), written.size()).setStatusCode(202).end());
        } else if (method == HttpMethod.PUT) {
            return put(ctx, route);
        } else if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            return session(route).compose(uploads::size)
                    .compose(size -> progress(ctx, route.name(), route.reference(), size).setStatusCode(204).end());
        } else if (method == HttpMethod.DELETE) {
            return session(route).compose(uploads::cancel).compose(v -> ctx.response().setStatusCode(204).end());
        }
        throw Http.methodNotAllowed();
    }

    private Future<Void> put(RoutingContext ctx, ApiRoute route) {
        String digestParam = ctx.request().getParam("digest");
        if (digestParam == null) {
            throw RegistryException.of(ErrorCode.DIGEST_INVALID, "the digest query parameter is required to finish an upload");
        }
        Digest digest = Digest.parse(digestParam);
        ChunkRange range = ChunkRange.of(ctx);
        boolean withBody = Http.hasBody(ctx);
        return session(route)
                .compose(s -> withBody ? uploads.finishWithBody(s, ChunkRange.startOf(range), digest, body(ctx, range)) : uploads.finish(s, digest))
                .compose(v -> blobCreated(ctx, route.name(), digest));
    }

    /** Streams the request body onto the upload at {@code start} (-1: at its end). */
    private Future<UploadAppender.Result> appendBody(RoutingContext ctx, UploadSession session, long start, ChunkRange range) {
        UploadService.Body body = body(ctx, range);
        return uploads.write(session, start).compose(body::into);
    }

    /**
     * How the request body goes into a write: streamed, and checked against the request's Content-Range
     * ({@code range}, null when absent) and Content-Length.
     */
    private UploadService.Body body(RoutingContext ctx, ChunkRange range) {
        long declared = Http.contentLength(ctx);
        Long rangeLength = range == null ? null : range.length();
        if (rangeLength != null && declared >= 0 && declared != rangeLength) {
            throw RegistryException.of(ErrorCode.RANGE_INVALID, "Content-Range and Content-Length disagree");
        }
        Context context = vertx.getOrCreateContext();
        return appender -> BodyStream.pipe(context, ctx.request(), appender).map(result -> {
            long received = result.size() - appender.startOffset();
            if (rangeLength != null && received != rangeLength) {
                // The chunk is already part of the upload; a client that lied about its range
                // finds out here and can read the true size from the upload's status.
                throw RegistryException.of(ErrorCode.RANGE_INVALID,
                        "received " + received + " bytes, Content-Range announced " + rangeLength);
            }
            return result;
        });
    }

    private Future<Void> newSession(RoutingContext ctx, RepositoryName name) {
        return uploads.start(name).compose(s -> progress(ctx, name, s.id(), 0).setStatusCode(202).end());
    }

    private Future<UploadSession> session(ApiRoute route) {
        return uploads.find(route.name(), route.reference());
    }

    private static HttpServerResponse progress(RoutingContext ctx, RepositoryName name, String id, long size) {
        return ctx.response()
                .putHeader("Location", "/v2/" + name + "/blobs/uploads/" + id)
                .putHeader("Range", "0-" + Math.max(0, size - 1))
                .putHeader("Docker-Upload-UUID", id)
                .putHeader("Content-Length", "0");
    }

    private static Future<Void> blobCreated(RoutingContext ctx, RepositoryName name, Digest digest) {
        return ctx.response().setStatusCode(201)
                .putHeader("Location", "/v2/" + name + "/blobs/" + digest)
                .putHeader("Docker-Content-Digest", digest.toString())
                .putHeader("Content-Length", "0")
                .end();
    }

    /** A chunk's {@code Content-Range: <start>-<end>} (inclusive), parsed once per request. */
    private record ChunkRange(long start, long end) {
        long length() {
            return end - start + 1;
        }

        /** Where the chunk must start: the range's start, or -1 (append at the end) without a range. */
        static long startOf(ChunkRange range) {
            return range == null ? -1 : range.start();
        }

        /** The request's range, or null when it has none; a malformed one is 416. */
        static ChunkRange of(RoutingContext ctx) {
            String value = ctx.request().getHeader("Content-Range");
            if (value == null) {
                return null;
            }
            Matcher m = CONTENT_RANGE.matcher(value.trim());
            if (!m.matches() || m.group(1).length() > 18 || m.group(2).length() > 18
                    || Long.parseLong(m.group(2)) < Long.parseLong(m.group(1))) {
                throw RegistryException.of(ErrorCode.RANGE_INVALID, "malformed Content-Range: expected <start>-<end>");
            }
            return new ChunkRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
    }
}
