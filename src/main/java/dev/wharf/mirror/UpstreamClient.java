package dev.wharf.mirror;

import dev.wharf.config.Durations;
import dev.wharf.config.WharfConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;

import java.net.URI;

/**
 * Requests to one upstream registry, signed in as {@link UpstreamAuth} says: a 401 is answered once (Basic, or a
 * token fetched for the repository) and the request retried. Redirects (Docker Hub sends blobs to a CDN) are
 * followed without the upstream's credentials, which must not leak to another host. Every response comes back
 * paused, so the caller can read it as a whole or stream it.
 */
final class UpstreamClient {
    private static final int MAX_REDIRECTS = 5;

    private final WharfConfig.Upstream upstream;
    private final HttpClient http;
    private final UpstreamAuth auth;
    private final int connectTimeoutMillis;

    UpstreamClient(Vertx vertx, WharfConfig.Upstream upstream) {
        this.upstream = upstream;
        this.connectTimeoutMillis = (int) Durations.parse(upstream.connectTimeout()).toMillis();
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout(connectTimeoutMillis)
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                // Body slices of a socket read (64 KiB) rather than Netty's 8 KiB: a fill then makes an eighth of the
                // handler calls and appends per byte (the server side does the same for pushes).
                .setMaxChunkSize(64 * 1024)
                .setVerifyHost(!upstream.insecure())
                .setTrustAll(upstream.insecure());
        if (upstream.caFile() != null && !upstream.caFile().isBlank()) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(upstream.caFile()));
        }
        this.http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(32));
        this.auth = new UpstreamAuth(http, upstream);
    }

    /**
     * Sends {@code method} to {@code path} (from {@code /v2/}) on behalf of {@code repository}. A response that
     * sends nothing for {@code idleTimeoutMillis} fails; an unreachable upstream fails with an
     * {@link UpstreamException}. The answer, whatever its status, is paused.
     */
    Future<HttpClientResponse> send(HttpMethod method, String repository, String path, MultiMap headers, long idleTimeoutMillis) {
        return attempt(method, upstream.url() + path, headers, auth.headerFor(repository), idleTimeoutMillis, MAX_REDIRECTS)
                .compose(resp -> {
                    if (resp.statusCode() != 401) {
                        return Future.succeededFuture(resp);
                    }
                    String challenge = resp.getHeader("WWW-Authenticate");
                    discard(resp);
                    return auth.answer(challenge, repository, idleTimeoutMillis).compose(header ->
                            attempt(method, upstream.url() + path, headers, header, idleTimeoutMillis, MAX_REDIRECTS));
                })
                .recover(err -> Future.failedFuture(err instanceof UpstreamException ? err
                        : new UpstreamException("upstream " + upstream.name() + " did not answer: " + describe(err), err)));
    }

    private Future<HttpClientResponse> attempt(HttpMethod method, String url, MultiMap headers, String authorization,
                                               long idleTimeoutMillis, int redirectsLeft) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url)
                .setConnectTimeout(Math.min(connectTimeoutMillis, idleTimeoutMillis)).setIdleTimeout(idleTimeoutMillis)
                .setFollowRedirects(false);
        if (headers != null) {
            options.setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers));
        }
        if (authorization != null) {
            options.putHeader("Authorization", authorization);
        }
        return http.request(options).compose(req -> req.send()).compose(resp -> {
            resp.pause();
            int status = resp.statusCode();
            String location = resp.getHeader("Location");
            if (status >= 300 && status < 400 && status != 304 && location != null && redirectsLeft > 0) {
                discard(resp);
                // Another host (a CDN) gets no credentials of this upstream's.
                return attempt(method, URI.create(url).resolve(location).toString(), headers, null, idleTimeoutMillis, redirectsLeft - 1);
            }
            return Future.succeededFuture(resp);
        });
    }

    /** The whole body of a (paused) response. */
    static Future<Buffer> body(HttpClientResponse response) {
        Future<Buffer> body = response.body();
        response.resume();
        return body;
    }

    /** Reads and drops the body of a response that will not be used, so its connection can be reused. */
    static void discard(HttpClientResponse response) {
        body(response);
    }

    static String describe(Throwable err) {
        String message = err.getMessage();
        return err.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    void close() {
        http.close();
    }
}
