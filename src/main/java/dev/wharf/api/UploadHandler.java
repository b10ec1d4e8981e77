package dev.wharf.api;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.Storage;
import dev.wharf.storage.UploadAppender;
import dev.wharf.storage.UploadSession;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blob uploads: {@code POST /v2/<name>/blobs/uploads/} (start, monolithic with {@code ?digest=}, or mount),
 * then {@code PATCH}, {@code PUT}, {@code GET} and {@code DELETE} on {@code /v2/<name>/blobs/uploads/<uuid>}.
 */
final class UploadHandler {
    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes )?(\\d+)-(\\d+)(?:/(?:\\d+|\\*))?");

    private final Vertx vertx;
    private final Storage storage;
    private final BlobMounts mounts;

    UploadHandler(Vertx vertx, Storage storage, BlobMounts mounts) {
        this.vertx = vertx;
        this.storage = storage;
        this.mounts = mounts;
    }

    void start(RoutingContext ctx, ApiRoute route) {
        if (ctx.request().method() != HttpMethod.POST) {
            throw Http.methodNotAllowed();
        }
        String mount = ctx.request().getParam("mount");
        String digestParam = ctx.request().getParam("digest");
        if (mount != null) {
            Digest digest = Digest.parse(mount);
            String fromParam = ctx.request().getParam("from");
            RepositoryName from = fromParam == null ? null : RepositoryName.parse(fromParam);
            vertx.executeBlocking(() -> mounts.tryMount(ctx, route.name(), digest, from), false).onSuccess(mounted -> {
                if (mounted) {
                    blobCreated(ctx, route.name(), digest);
                } else {
                    newSession(ctx, route.name());
                }
            }).onFailure(err -> ErrorResponses.send(ctx, err));
        } else if (digestParam != null) {
            Digest digest = Digest.parse(digestParam);
            ChunkRange range = ChunkRange.of(ctx);
            vertx.executeBlocking(() -> storage.uploads().create(route.name()), false)
                    .compose(session -> appendBody(ctx, session, 0L, range).map(session)
                            .compose(s -> complete(s, digest))
                            .onFailure(err -> discard(session)))
                    .onSuccess(v -> blobCreated(ctx, route.name(), digest))
                    .onFailure(err -> ErrorResponses.send(ctx, err));
        } else {
            newSession(ctx, route.name());
        }
    }

    void handle(RoutingContext ctx, ApiRoute route) {
        HttpMethod method = ctx.request().method();
        if (method == HttpMethod.PATCH) {
            patch(ctx, route);
        } else if (method == HttpMethod.PUT) {
            put(ctx, route);
        } else if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            session(route).compose(this::sizeOf)
                    .onSuccess(s -> progress(ctx, route.name(), route.reference(), s).setStatusCode(204).end())
                    .onFailure(err -> ErrorResponses.send(ctx, err));
        } else if (method == HttpMethod.DELETE) {
            session(route).compose(s -> vertx.executeBlocking(() -> {
                storage.uploads().delete(s.id());
                return null;
            }, false)).onSuccess(v -> ctx.response().setStatusCode(204).end())
                    .onFailure(err -> ErrorResponses.send(ctx, err));
        } else {
            throw Http.methodNotAllowed();
        }
    }

    private void patch(RoutingContext ctx, ApiRoute route) {
        ChunkRange range = ChunkRange.of(ctx);
        session(route).compose(s -> appendBody(ctx, s, ChunkRange.startOf(range), range).map(s))
                .compose(this::sizeOf)
                .onSuccess(size -> progress(ctx, route.name(), route.reference(), size).setStatusCode(202).end())
                .onFailure(err -> ErrorResponses.send(ctx, err));
    }

    private void put(RoutingContext ctx, ApiRoute route) {
        String digestParam = ctx.request().getParam("digest");
        if (digestParam == null) {
            throw RegistryException.of(ErrorCode.DIGEST_INVALID, "the digest query parameter is required to finish an upload");
        }
        Digest digest = Digest.parse(digestParam);
        ChunkRange range = ChunkRange.of(ctx);
        boolean withBody = Http.hasBody(ctx);
        session(route).compose(s -> withBody ? appendBody(ctx, s, ChunkRange.startOf(range), range).map(s) : Future.succeededFuture(s))
                .compose(s -> complete(s, digest))
                .onSuccess(v -> blobCreated(ctx, route.name(), digest))
                .onFailure(err -> ErrorResponses.send(ctx, err));
    }

    /**
     * Streams the request body onto the upload at {@code start} (-1: at its end), checking it against the
     * request's Content-Range ({@code range}, null when absent) and Content-Length.
     */
    private Future<UploadAppender.Result> appendBody(RoutingContext ctx, UploadSession session, long start, ChunkRange range) {
        long declared = Http.contentLength(ctx);
        Long rangeLength = range == null ? null : range.length();
        if (rangeLength != null && declared >= 0 && declared != rangeLength) {
            throw RegistryException.withStatus(ErrorCode.RANGE_INVALID, 416, "Content-Range and Content-Length disagree");
        }
        Context context = vertx.getOrCreateContext();
        return vertx.executeBlocking(() -> storage.uploads().appender(session, start), false)
                .compose(appender -> BodyStream.pipe(context, ctx.request(), appender).compose(result -> {
                    long received = result.size() - appender.startOffset();
                    if (rangeLength != null && received != rangeLength) {
                        // The chunk is already part of the upload; a client that lied about its range
                        // finds out here and can read the true size from the upload's status.
                        throw RegistryException.withStatus(ErrorCode.RANGE_INVALID, 416,
                                "received " + received + " bytes, Content-Range announced " + rangeLength);
                    }
                    return Future.succeededFuture(result);
                }));
    }

    /** Verifies the upload against {@code digest}, moves it into the blob store and links it to the repository. */
    private Future<Void> complete(UploadSession session, Digest digest) {
        return vertx.executeBlocking(() -> {
            Digest actual = storage.uploads().digest(session, digest.algorithm());
            if (!actual.equals(digest)) {
                storage.uploads().delete(session.id());
                throw RegistryException.withDetail(ErrorCode.DIGEST_INVALID,
                        "provided digest did not match uploaded content", Map.of("expected", digest.toString(), "actual", actual.toString()));
            }
            storage.blobs().commit(storage.uploads().syncedData(session), digest);
            storage.repositories().linkBlob(session.repository(), digest);
            storage.uploads().delete(session.id());
            return null;
        }, false);
    }

    /** A monolithic upload that failed leaves no session behind: the client never learnt its id. */
    private void discard(UploadSession session) {
        vertx.executeBlocking(() -> {
            storage.uploads().delete(session.id());
            return null;
        }, false);
    }

    private void newSession(RoutingContext ctx, RepositoryName name) {
        vertx.executeBlocking(() -> storage.uploads().create(name), false)
                .onSuccess(s -> progress(ctx, name, s.id(), 0).setStatusCode(202).end())
                .onFailure(err -> ErrorResponses.send(ctx, err));
    }

    private Future<UploadSession> session(ApiRoute route) {
        return vertx.executeBlocking(() -> storage.uploads().get(route.name(), route.reference()), false);
    }

    private Future<Long> sizeOf(UploadSession session) {
        return vertx.executeBlocking(() -> storage.uploads().size(session), false);
    }

    private static HttpServerResponse progress(RoutingContext ctx, RepositoryName name, String id, long size) {
        return ctx.response()
                .putHeader("Location", "/v2/" + name + "/blobs/uploads/" + id)
                .putHeader("Range", "0-" + Math.max(0, size - 1))
                .putHeader("Docker-Upload-UUID", id)
                .putHeader("Content-Length", "0");
    }

    static void blobCreated(RoutingContext ctx, RepositoryName name, Digest digest) {
        ctx.response().setStatusCode(201)
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
                throw RegistryException.withStatus(ErrorCode.RANGE_INVALID, 416, "malformed Content-Range: expected <start>-<end>");
            }
            return new ChunkRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
    }
}
