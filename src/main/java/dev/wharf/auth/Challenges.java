package dev.wharf.auth;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

import java.util.List;
import java.util.stream.Collectors;

/** The {@code WWW-Authenticate} values that tell a client how to sign in. */
final class Challenges {
    static final String HEADER = "WWW-Authenticate";

    private final String basicRealm;
    private final String tokenRealm;
    private final String service;

    /**
     * @param tokenRealm the token endpoint URL; blank: this server's {@code /token} as the client reached it
     * @param service    the service clients should ask tokens for; null in Basic mode
     */
    Challenges(String basicRealm, String tokenRealm, String service) {
        this.basicRealm = basicRealm;
        this.tokenRealm = tokenRealm;
        this.service = service;
    }

    boolean bearer() {
        return service != null;
    }

    String basic() {
        return "Basic realm=\"" + quoted(basicRealm) + "\"";
    }

    /** The challenge for a request that needs {@code scopes}; {@code error} as in RFC 6750 (null for none). */
    String forRequest(HttpServerRequest request, List<Scope> scopes, String error) {
        if (!bearer()) {
            return basic();
        }
        StringBuilder value = new StringBuilder("Bearer realm=\"").append(quoted(realm(request)))
                .append("\",service=\"").append(quoted(service)).append('"');
        if (!scopes.isEmpty()) {
            value.append(",scope=\"").append(quoted(scopes.stream().map(Scope::toString).collect(Collectors.joining(" ")))).append('"');
        }
        if (error != null) {
            value.append(",error=\"").append(error).append('"');
        }
        return value.toString();
    }

    private String realm(HttpServerRequest request) {
        if (!tokenRealm.isBlank()) {
            return tokenRealm;
        }
        HostAndPort authority = request.authority();
        String host = authority == null ? "localhost" : authority.host()
                + (authority.port() > 0 ? ":" + authority.port() : "");
        return request.scheme() + "://" + host + "/token";
    }

    /** Request data (the Host header) goes into the header value: keep it from closing the quoted string. */
    private static String quoted(String text) {
        return text.replace("\\", "").replace("\"", "");
    }
}
