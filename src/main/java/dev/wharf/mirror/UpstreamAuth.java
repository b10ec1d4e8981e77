package dev.wharf.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.config.WharfConfig;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How Wharf signs in at one upstream: nothing (anonymous), Basic credentials, a ready-made token from a file, or
 * the Bearer token flow of Docker Hub and every token-service registry (a 401 challenge names the token endpoint;
 * a token for {@code repository:<name>:pull} is fetched there, with the Basic credentials if any, and kept per
 * repository until shortly before it expires). Never logs a credential or a token.
 */
final class UpstreamAuth {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the Docker token spec says a token lives when the answer gives no expires_in. */
    private static final long DEFAULT_TOKEN_SECONDS = 60;

    private record Token(String header, long expiresAtMillis) {
    }

    private final HttpClient http;
    private final String basicHeader;
    private final String staticBearer;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    /** Set once the upstream has asked for Basic credentials: from then on they go with every request. */
    private volatile boolean basicWanted;

    UpstreamAuth(HttpClient http, WharfConfig.Upstream upstream) {
        this.http = http;
        String password = upstream.password();
        if (upstream.passwordFile() != null && !upstream.passwordFile().isBlank()) {
            password = read(upstream.passwordFile(), "passwordFile of upstream " + upstream.name());
        }
        boolean hasUser = upstream.username() != null && !upstream.username().isBlank();
        this.basicHeader = hasUser ? "Basic " + Base64.getEncoder().encodeToString(
                (upstream.username() + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8)) : null;
        this.staticBearer = upstream.tokenFile() == null || upstream.tokenFile().isBlank() ? null
                : "Bearer " + read(upstream.tokenFile(), "tokenFile of upstream " + upstream.name());
    }

    private static String read(String file, String what) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + what + ": " + e.getMessage(), e);
        }
    }

    /** The Authorization header to send up front for {@code repository}, or null for none (yet). */
    String headerFor(String repository) {
        if (staticBearer != null) {
            return staticBearer;
        }
        Token token = tokens.get(repository);
        if (token != null && token.expiresAtMillis > System.currentTimeMillis()) {
            return token.header;
        }
        return basicWanted ? basicHeader : null;
    }

    /** Answers a 401's challenge: the header to retry with, or a failure when Wharf cannot meet it. */
    Future<String> answer(String wwwAuthenticate, String repository, long timeoutMillis) {
        Challenge challenge = Challenge.parse(wwwAuthenticate);
        if (challenge == null) {
            return Future.failedFuture(new UpstreamException("the upstream answered 401 without a challenge", 401, null));
        }
        if (challenge.scheme().equals("basic")) {
            if (basicHeader == null || basicWanted) {
                return Future.failedFuture(new UpstreamException(basicHeader == null
                        ? "the upstream wants credentials and none are configured" : "the upstream refused Wharf's credentials", 401, null));
            }
            basicWanted = true;
            return Future.succeededFuture(basicHeader);
        }
        if (!challenge.scheme().equals("bearer") || challenge.param("realm") == null) {
            return Future.failedFuture(new UpstreamException("the upstream's challenge is neither Basic nor Bearer", 401, null));
        }
        tokens.remove(repository);
        return fetchToken(challenge, repository, timeoutMillis);
    }

    private Future<String> fetchToken(Challenge challenge, String repository, long timeoutMillis) {
        String scope = "repository:" + repository + ":pull";
        StringBuilder url = new StringBuilder(challenge.param("realm"));
        url.append(url.indexOf("?") < 0 ? '?' : '&').append("scope=").append(encode(scope));
        if (challenge.param("service") != null) {
            url.append("&service=").append(encode(challenge.param("service")));
        }
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url.toString())
                .setIdleTimeout(timeoutMillis);
        if (basicHeader != null) {
            options.putHeader("Authorization", basicHeader);
        }
        return http.request(options).compose(req -> req.send()).compose(resp -> UpstreamClient.body(resp).compose(body -> {
            if (resp.statusCode() != 200) {
                return Future.failedFuture(new UpstreamException("the upstream's token service answered " + resp.statusCode(),
                        resp.statusCode() == 429 ? 429 : 401, resp.getHeader("Retry-After")));
            }
            return Future.succeededFuture(remember(repository, body.getBytes()));
        }));
    }

    private String remember(String repository, byte[] answer) {
        JsonNode json;
        try {
            json = JSON.readTree(answer);
        } catch (IOException e) {
            throw new UpstreamException("the upstream's token service sent no JSON", 401, null);
        }
        String token = json.path("token").asText(json.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new UpstreamException("the upstream's token service sent no token", 401, null);
        }
        long seconds = json.path("expires_in").asLong(DEFAULT_TOKEN_SECONDS);
        // Let it go a little before the upstream would, so that no request is sent with a token about to lapse.
        long margin = Math.min(10, seconds / 10);
        String header = "Bearer " + token;
        tokens.put(repository, new Token(header, System.currentTimeMillis() + (seconds - margin) * 1000));
        return header;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
