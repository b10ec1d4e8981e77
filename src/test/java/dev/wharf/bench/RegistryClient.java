package dev.wharf.bench;

import dev.wharf.oci.Digest;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.SelfSignedCertificate;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;

import java.net.URI;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * The registry client of every workload, the same for every server: a Vert.x HTTP client with a keep-alive
 * pool on one loopback port, plain HTTP/1.1 or HTTP/1.1 over TLS. Blob bodies are streamed from {@link BlobContent}
 * with back-pressure; blob pulls read through {@link RawBlobReader} on worker threads.
 */
final class RegistryClient {
    /** Chunk size of the chunked push flow; a 1 MiB blob goes in one chunk. */
    static final long CHUNK_BYTES = 8L * 1024 * 1024;
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String MANIFEST_ACCEPT = OCI_MANIFEST + ", application/vnd.oci.image.index.v1+json, "
            + "application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";

    /** How a blob is pushed. */
    enum Flow { MONOLITHIC, CHUNKED, STREAMED }

    /** A response whose (small) body has been read. */
    record Reply(int status, MultiMap headers, Buffer body) {
        Reply expect(int expected, String what) {
            if (status != expected) {
                String text = body.length() > 300 ? body.getString(0, 300) + "..." : body.toString();
                throw new IllegalStateException(what + ": expected " + expected + ", got " + status + " " + text.strip());
            }
            return this;
        }

        String header(String name) {
            return headers.get(name);
        }
    }

    private final HttpClientAgent http;
    private final Vertx vertx;
    /** Blob pulls go through plain sockets (see {@link RawBlobReader}); everything else through {@link #http}. */
    private final RawBlobReader raw;
    /**
     * Every request starts on this one event-loop context. Issued from several threads (the benchmark's main
     * thread, then callbacks), a request to Wharf now and then never got an answer (a minimal Vert.x server did
     * not lose any, see docs/performance.md); pinned to one context, none was lost, so figures are not skewed.
     */
    private final Context context;
    private final int port;
    /** Whether {@code POST ?digest=} with the body completes a push; otherwise POST, then PUT with the body. */
    private boolean singlePostPush;

    /** A client of the registry on {@code port}; over HTTPS, trusting only {@code tls}'s certificate, when it is given. */
    RegistryClient(Vertx vertx, int port, SelfSignedCertificate tls) {
        this.port = port;
        this.vertx = vertx;
        this.raw = new RawBlobReader(port, tls == null ? null : tls.trustingContext());
        this.context = vertx.getOrCreateContext();
        HttpClientOptions options = new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
                .setKeepAlive(true).setTcpNoDelay(true).setMaxInitialLineLength(16 * 1024)
                // a request stuck this long fails its measurement instead of hanging the run
                .setIdleTimeout(120);
        if (tls != null) {
            // HTTP/1.1 on purpose: no ALPN, so both registries serve the same protocol as over plain HTTP.
            options.setSsl(true).setTrustOptions(new PemTrustOptions().addCertPath(tls.cert().toString()))
                    .setUseAlpn(false).setProtocolVersion(HttpVersion.HTTP_1_1);
        }
        this.http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(64));
    }

    int port() {
        return port;
    }

    void useSinglePostPush(boolean singlePost) {
        this.singlePostPush = singlePost;
    }

    /** Whether this registry finishes a push on {@code POST /v2/<name>/blobs/uploads/?digest=} (201, not 202). */
    Future<Boolean> acceptsSinglePostPush(String repository) {
        BlobContent probe = BlobContent.random(1024);
        return exchange(HttpMethod.POST, uploads(repository) + "?digest=" + probe.digest(), Payload.of(probe))
                .map(reply -> reply.status() == 201);
    }

    Future<Void> push(Flow flow, String repository, BlobContent blob) {
        Future<Reply> created = switch (flow) {
            case MONOLITHIC -> singlePostPush
                    ? exchange(HttpMethod.POST, uploads(repository) + "?digest=" + blob.digest(), Payload.of(blob))
                    : startUpload(repository).compose(at -> exchange(HttpMethod.PUT, withDigest(at, blob), Payload.of(blob)));
            case CHUNKED -> startUpload(repository).compose(at -> patchChunks(at, blob, 0))
                    .compose(at -> exchange(HttpMethod.PUT, withDigest(at, blob), Payload.EMPTY));
            case STREAMED -> startUpload(repository)
                    .compose(at -> exchange(HttpMethod.PATCH, at, Payload.streamed(blob)))
                    .map(reply -> location(reply.expect(202, "streamed PATCH")))
                    .compose(at -> exchange(HttpMethod.PUT, withDigest(at, blob), Payload.EMPTY));
        };
        return created.map(reply -> {
            reply.expect(201, flow + " push of " + blob.size() + " bytes");
            if (!blob.digest().equals(reply.header("Docker-Content-Digest"))) {
                throw new IllegalStateException("push answered Docker-Content-Digest " + reply.header("Docker-Content-Digest")
                        + " for " + blob.digest());
            }
            return null;
        });
    }

    /** Pushes small bytes (a config or a layer of a test image) in one monolithic upload. */
    Future<Void> pushBytes(String repository, byte[] bytes) {
        String digest = Blobs.sha256(bytes);
        return startUpload(repository)
                .compose(at -> exchange(HttpMethod.PUT, at + (at.contains("?") ? "&" : "?") + "digest=" + digest,
                        Payload.of(Buffer.buffer(bytes))))
                .map(reply -> {
                    reply.expect(201, "push of " + digest);
                    return null;
                });
    }

    /** Cross-repository mount: the blob must already be in {@code from}. */
    Future<Void> mount(String repository, String digest, String from) {
        return exchange(HttpMethod.POST, uploads(repository) + "?mount=" + digest + "&from=" + from, Payload.EMPTY)
                .map(reply -> {
                    reply.expect(201, "mount of " + digest + " from " + from);
                    return null;
                });
    }

    Future<Void> putManifest(String repository, String reference, byte[] manifest) {
        return exchange(HttpMethod.PUT, "/v2/" + repository + "/manifests/" + reference,
                Payload.of(Buffer.buffer(manifest)), "Content-Type", OCI_MANIFEST)
                .map(reply -> {
                    reply.expect(201, "manifest PUT " + repository + ":" + reference);
                    return null;
                });
    }

    /**
     * Downloads a blob, counting its bytes; with {@code verify} also hashes them and fails unless they match
     * the digest (kept off the timed passes: hashing would cost the shared CPU more than the transfer).
     */
    Future<Long> pull(String repository, BlobContent blob, boolean verify) {
        return onContext(() -> pullNow(repository, blob, verify));
    }

    private Future<Long> pullNow(String repository, BlobContent blob, boolean verify) {
        return vertx.executeBlocking(() -> {
            MessageDigest sha = verify ? BlobContent.sha256() : null;
            long received = raw.get("/v2/" + repository + "/blobs/" + blob.digest(), sha);
            if (received != blob.size()) {
                throw new IllegalStateException("blob GET returned " + received + " of " + blob.size() + " bytes");
            }
            if (sha != null && !blob.digest().equals(Digest.of(Digest.Algorithm.SHA256, sha.digest()).toString())) {
                throw new IllegalStateException("blob GET returned bytes that do not hash to " + blob.digest());
            }
            return received;
        }, false);
    }

    /** A GET or HEAD whose answer is read whole; {@code headers} alternate names and values. */
    Future<Reply> read(HttpMethod method, String uri, String... headers) {
        return exchange(method, uri, Payload.NONE, headers);
    }

    private Future<String> startUpload(String repository) {
        return exchange(HttpMethod.POST, uploads(repository), Payload.EMPTY)
                .map(reply -> location(reply.expect(202, "upload start")));
    }

    /** PATCHes the blob from {@code offset} on in chunks with Content-Range; answers the upload's latest location. */
    private Future<String> patchChunks(String at, BlobContent blob, long offset) {
        if (offset >= blob.size()) {
            return Future.succeededFuture(at);
        }
        long end = Math.min(blob.size(), offset + CHUNK_BYTES);
        return exchange(HttpMethod.PATCH, at, Payload.range(blob, offset, end),
                "Content-Range", offset + "-" + (end - 1))
                .compose(reply -> patchChunks(location(reply.expect(202, "chunk PATCH")), blob, end));
    }

    private Future<Reply> exchange(HttpMethod method, String uri, Payload payload, String... headers) {
        return onContext(() -> http.request(method, uri).compose(request -> {
            for (int i = 0; i < headers.length; i += 2) {
                request.putHeader(headers[i], headers[i + 1]);
            }
            return payload.send(request);
        }).compose(response -> response.body().map(body -> new Reply(response.statusCode(), response.headers(), body))));
    }

    private <T> Future<T> onContext(Supplier<Future<T>> action) {
        if (Vertx.currentContext() == context) {
            return action.get();
        }
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> action.get().onComplete(promise));
        return promise.future();
    }

    private static String uploads(String repository) {
        return "/v2/" + repository + "/blobs/uploads/";
    }

    private static String withDigest(String location, BlobContent blob) {
        return location + (location.contains("?") ? "&" : "?") + "digest=" + blob.digest();
    }

    /** The upload's Location as a request URI: Distribution answers absolute URLs, Wharf paths. */
    private static String location(Reply reply) {
        String location = reply.header("Location");
        if (location == null) {
            throw new IllegalStateException("no Location in the answer to an upload request");
        }
        if (!location.startsWith("http")) {
            return location;
        }
        URI uri = URI.create(location);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** What a request carries, and how it is written. */
    private interface Payload {
        /** No body at all (GET, HEAD). */
        Payload NONE = HttpClientRequest::send;
        /** An explicit empty body (POST, PUT, PATCH without data). */
        Payload EMPTY = request -> request.putHeader("Content-Length", "0").send();

        Future<HttpClientResponse> send(HttpClientRequest request);

        static Payload of(Buffer bytes) {
            return request -> {
                if (!request.headers().contains("Content-Type")) {
                    request.putHeader("Content-Type", "application/octet-stream");
                }
                return request.send(bytes);
            };
        }

        static Payload of(BlobContent blob) {
            return range(blob, 0, blob.size());
        }

        static Payload range(BlobContent blob, long from, long to) {
            return request -> {
                request.putHeader("Content-Length", Long.toString(to - from)).putHeader("Content-Type", "application/octet-stream");
                new BodyWriter(request, blob, from, to).writeMore();
                return request.response();
            };
        }

        /** The whole blob with chunked transfer encoding and no length announced. */
        static Payload streamed(BlobContent blob) {
            return request -> {
                request.setChunked(true).putHeader("Content-Type", "application/octet-stream");
                new BodyWriter(request, blob, 0, blob.size()).writeMore();
                return request.response();
            };
        }
    }

    /** Writes generated blob bytes as fast as the connection takes them, pausing while its write queue is full. */
    private static final class BodyWriter {
        private final HttpClientRequest request;
        private final BlobContent blob;
        private final long to;
        private long position;

        BodyWriter(HttpClientRequest request, BlobContent blob, long from, long to) {
            this.request = request;
            this.blob = blob;
            this.position = from;
            this.to = to;
        }

        void writeMore() {
            while (position < to && !request.writeQueueFull()) {
                int length = (int) Math.min(BlobContent.BLOCK, to - position);
                request.write(blob.chunk(position, length));
                position += length;
            }
            if (position < to) {
                request.drainHandler(v -> writeMore());
            } else {
                request.end();
            }
        }
    }
}
