package dev.wharf.auth;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.api.ApiRoute.Action;
import dev.wharf.api.Json;
import dev.wharf.error.ErrorCode;
import dev.wharf.error.Problem;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.RepositoryName;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The built-in token service of the Docker token spec, at {@code /token}:
 * {@code GET /token?service=..&scope=..} with optional Basic credentials, and the OAuth2 password grant
 * ({@code POST /token}, form {@code grant_type=password&username&password&service&scope}) of newer clients.
 * The token grants, per requested scope, the requested actions that the caller's policies allow; what is
 * not allowed is silently left out (the registry then refuses the request the token does not cover).
 * Requests without credentials get an anonymous token, covering what anonymous grants allow.
 */
final class TokenEndpoint {
    private final Authenticator authenticator;
    private final AccessPolicy policy;
    private final TokenIssuer issuer;
    private final String service;
    private final Challenges challenges;

    TokenEndpoint(Authenticator authenticator, AccessPolicy policy, TokenIssuer issuer, String service, Challenges challenges) {
        this.authenticator = authenticator;
        this.policy = policy;
        this.issuer = issuer;
        this.service = service;
        this.challenges = challenges;
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        boolean oauth = request.method() == HttpMethod.POST;
        BasicCredentials credentials;
        List<String> scopeParams;
        String requestedService;
        if (oauth) {
            String grant = request.getFormAttribute("grant_type");
            if (!"password".equals(grant)) {
                oauthError(ctx, 400, "unsupported_grant_type", "only grant_type=password is supported");
                return;
            }
            String username = request.getFormAttribute("username");
            String password = request.getFormAttribute("password");
            if (username == null || username.isEmpty() || password == null) {
                oauthError(ctx, 400, "invalid_request", "username and password are required");
                return;
            }
            credentials = new BasicCredentials(username, password);
            scopeParams = request.formAttributes().getAll("scope");
            requestedService = request.getFormAttribute("service");
        } else {
            credentials = BasicCredentials.fromHeader(request.getHeader(HttpHeaders.AUTHORIZATION));
            scopeParams = request.params().getAll("scope");
            requestedService = request.getParam("service");
        }
        if (requestedService != null && !requestedService.equals(service)) {
            ctx.fail(RegistryException.of(Problem.TOKEN_SERVICE_UNKNOWN, "this token service only serves " + service));
            return;
        }
        List<Scope> requested = Scope.parseAll(scopeParams);
        Future<String> user = credentials == null ? Future.succeededFuture(null)
                : authenticator.login(AuthGate.clientOf(ctx), credentials);
        user.onSuccess(name -> reply(ctx, name, requested, oauth)).onFailure(err -> {
            if (err instanceof RegistryException re && re.code() == ErrorCode.UNAUTHORIZED) {
                ctx.response().putHeader(Challenges.HEADER, challenges.basic());
            }
            ctx.fail(err);
        });
    }

    private void reply(RoutingContext ctx, String user, List<Scope> requested, boolean oauth) {
        List<Scope> granted = grant(user, requested);
        TokenIssuer.IssuedToken token = issuer.issue(user, granted);
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("token", token.token())
                .put("access_token", token.token())
                .put("expires_in", token.expiresInSeconds())
                .put("issued_at", token.issuedAt().toString());
        if (oauth) {
            body.put("token_type", "Bearer")
                    .put("scope", String.join(" ", granted.stream().map(Scope::toString).toList()));
        }
        ctx.response().putHeader("Cache-Control", "no-store");
        Json.send(ctx, "application/json", body);
    }

    /** Per requested scope, the requested actions the caller may have; scopes left with none are dropped. */
    List<Scope> grant(String user, List<Scope> requested) {
        List<Scope> granted = new ArrayList<>();
        for (Scope scope : requested) {
            if (scope.isCatalog() && user != null) {
                granted.add(Scope.CATALOG);
            }
            if (!scope.type().equals(Scope.REPOSITORY) || !validName(scope.name())) {
                continue;
            }
            Set<Action> allowed = policy.allowed(user, scope.name());
            List<String> actions = new ArrayList<>();
            for (Action action : allowed) {
                String name = AccessPolicy.nameOf(action);
                if (scope.actions().contains(name) || scope.actions().contains("*")) {
                    actions.add(name);
                }
            }
            if (!actions.isEmpty()) {
                granted.add(new Scope(Scope.REPOSITORY, scope.name(), actions));
            }
        }
        return granted;
    }

    private static boolean validName(String name) {
        try {
            RepositoryName.parse(name);
            return true;
        } catch (RegistryException e) {
            return false;
        }
    }

    private static void oauthError(RoutingContext ctx, int status, String error, String description) {
        ctx.response().setStatusCode(status);
        Json.send(ctx, "application/json", JsonNodeFactory.instance.objectNode()
                .put("error", error).put("error_description", description));
    }
}
