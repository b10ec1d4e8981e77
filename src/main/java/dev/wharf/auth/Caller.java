package dev.wharf.auth;

import java.util.List;

/**
 * Who is making a request, once the gate has checked their credentials.
 *
 * @param user   the user name (a token's subject), or null for an anonymous caller
 * @param scopes what the Bearer token presented grants, or null when the caller did not come with a token
 *               (Basic credentials or none): then the policies decide
 */
record Caller(String user, List<Scope> scopes) {
    static final Caller ANONYMOUS = new Caller(null, null);

    Caller {
        scopes = scopes == null ? null : List.copyOf(scopes);
    }

    boolean anonymous() {
        return user == null && scopes == null;
    }

    boolean viaToken() {
        return scopes != null;
    }

    boolean tokenGrants(String repository, String action) {
        return scopes != null && scopes.stream().anyMatch(s -> s.grants(repository, action));
    }

    boolean tokenGrantsCatalog() {
        return scopes != null && scopes.stream().anyMatch(Scope::isCatalog);
    }
}
