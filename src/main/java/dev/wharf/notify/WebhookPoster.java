package dev.wharf.notify;

import dev.wharf.Version;
import dev.wharf.config.WharfConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.Map;

/**
 * One POST of one body to one endpoint: the configured headers, then the content type, the user agent and, with
 * a secret, the signature (so no configured header can forge those). The answer is the status code; the
 * receiver's body is read and thrown away. A receiver that does not accept the connection, or then sends nothing,
 * within the endpoint's timeout fails the attempt.
 */
final class WebhookPoster {
    private static final String USER_AGENT = "Wharf/" + Version.current();

    private final HttpClient client;
    private final String url;
    private final long timeoutMillis;
    private final Map<String, String> headers;
    /** The HMAC key, or null: unsigned. */
    private final byte[] secret;

    WebhookPoster(HttpClient client, WharfConfig.Endpoint endpoint, byte[] secret) {
        this.client = client;
        this.url = endpoint.url();
        this.timeoutMillis = Math.max(1, endpoint.timeoutDuration().toMillis());
        this.headers = endpoint.headers();
        this.secret = secret == null || secret.length == 0 ? null : secret.clone();
    }

    Future<Integer> post(byte[] body, String contentType) {
        MultiMap sent = HttpHeaders.headers();
        headers.forEach(sent::set);
        sent.set(HttpHeaders.CONTENT_TYPE, contentType).set(HttpHeaders.USER_AGENT, USER_AGENT);
        if (secret != null) {
            sent.set(Signature.HEADER, Signature.of(secret, body));
        }
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setHeaders(sent)
                .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis);
        return client.request(options)
                .compose(request -> request.send(Buffer.buffer(body)))
                .compose(response -> {
                    response.handler(ignored -> { });
                    return response.end().map(v -> response.statusCode());
                });
    }

    /** Whether an attempt answered {@code status} is worth repeating: the receiver is down, busy or timed out. */
    static boolean retryable(int status) {
        return status >= 500 || status == 408 || status == 429;
    }
}
