package dev.wharf.api;

import dev.wharf.config.WharfConfig;
import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import dev.wharf.storage.StorageException;
import dev.wharf.storage.TrustBundle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Sends a blob that lives at a URL (the object store's presigned GET, {@code BlobSource.Relayed}): the range the
 * client asked for is fetched from there with Vert.x's HTTP client and written on as it arrives, Netty buffer to
 * Netty buffer, with a bounded number of writes in flight, so a slow client slows the read from the store instead
 * of filling memory. Measured against the SDK's streaming GET, whose per-buffer pipeline took most of a pull's
 * CPU (docs/performance.md). A store that fails or ends short cuts the client's connection, so the client sees a
 * short body rather than a complete wrong one; a store that has lost the blob before anything was sent gives
 * {@code BLOB_UNKNOWN}.
 */
final class UrlRelay {
    /**
     * Bytes written to the client and not yet out, per relay: the bound on its memory (the write queue alone does
     * not bound TLS, see FileRangeSender). 64 writes in flight (about 0.5 MiB) held pulls to 130 MB/s where S3Mock
     * itself serves 600; a couple of MiB keep the store's socket busy.
     */
    private static final long MAX_IN_FLIGHT = 2L << 20;

    private final Vertx vertx;
    private final WharfConfig.Storage storage;
    private HttpClient client;

    UrlRelay(Vertx vertx, WharfConfig.Storage storage) {
        this.vertx = vertx;
        this.storage = storage;
    }

    /** Made at the first relay: a registry on the filesystem driver never needs one. */
    private synchronized HttpClient client() {
        if (client == null) {
            HttpClientOptions options = new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true).setMaxChunkSize(256 << 10).setReceiveBufferSize(1 << 20)
                    .setConnectTimeout(10_000).setIdleTimeout(120);
            String ca = storage.isS3() ? storage.s3().caFile() : "";
            if (!ca.isEmpty()) {
                try {
                    options.setTrustOptions(TrustOptions.wrap(TrustBundle.withCertificates(Path.of(ca))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(256));
        }
        return client;
    }

    /** Sends {@code length} bytes from {@code offset} of what {@code location} holds; the response's headers are set. */
    Future<Void> send(HttpServerResponse response, URI location, long offset, long length) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(location.toString())
                .putHeader("Range", "bytes=" + offset + "-" + (offset + length - 1));
        return client().request(request).compose(HttpClientRequest::send).compose(upstream -> {
            String declared = upstream.getHeader("Content-Length");
            if (upstream.statusCode() == 404) {
                upstream.request().reset();
                return Future.failedFuture(RegistryException.of(ErrorCode.BLOB_UNKNOWN, "the blob is no longer in the object store"));
            }
            if (upstream.statusCode() != 206 && !(upstream.statusCode() == 200 && offset == 0)
                    || declared == null || Long.parseLong(declared) != length) {
                upstream.request().reset();
                return Future.failedFuture(new StorageException("the object store answered " + upstream.statusCode()
                        + " with " + declared + " bytes for a range of " + length, null));
            }
            return new Pump(upstream, response, length).run();
        });
    }

    /** One relay's flow: upstream buffers to the client, paused while too many writes are on their way. */
    private static final class Pump {
        private final HttpClientResponse upstream;
        private final HttpServerResponse response;
        private final long length;
        private final Promise<Void> done = Promise.promise();
        private long sent;
        private long inFlight;
        private boolean paused;
        private boolean finished;

        Pump(HttpClientResponse upstream, HttpServerResponse response, long length) {
            this.upstream = upstream;
            this.response = response;
            this.length = length;
        }

        Future<Void> run() {
            response.putHeader("Content-Length", String.valueOf(length));
            response.closeHandler(v -> fail(new IllegalStateException("the client went away")));
            upstream.exceptionHandler(this::fail);
            upstream.handler(this::forward);
            upstream.endHandler(v -> {
                if (finished) {
                    return;
                }
                if (sent != length) {
                    fail(new IllegalStateException("the store sent " + sent + " of " + length + " bytes"));
                    return;
                }
                finished = true;
                response.end().onComplete(done);
            });
            return done.future();
        }

        private void forward(Buffer buffer) {
            if (finished) {
                return;
            }
            int n = buffer.length();
            sent += n;
            inFlight += n;
            if (inFlight >= MAX_IN_FLIGHT && !paused) {
                paused = true;
                upstream.pause();
            }
            response.write(buffer).onComplete(ar -> {
                inFlight -= n;
                if (ar.failed()) {
                    fail(ar.cause());
                } else if (paused && inFlight <= MAX_IN_FLIGHT / 2 && !finished) {
                    paused = false;
                    upstream.resume();
                }
            });
        }

        private void fail(Throwable t) {
            if (finished) {
                return;
            }
            finished = true;
            upstream.request().reset(); // no more from the store on this connection
            if (response.headWritten()) {
                response.reset(); // the status and length are out: only a cut connection tells the client
            }
            done.tryFail(t);
        }
    }
}
