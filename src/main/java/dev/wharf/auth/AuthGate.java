package dev.wharf.auth;

import dev.wharf.api.AccessCheck;
import dev.wharf.api.ApiRoute;
import dev.wharf.api.ApiRoute.Action;
import dev.wharf.api.RegistryApi;
import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.RepositoryName;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The gate every registry request passes after its path is parsed: finds out who the caller is (Basic
 * credentials, a Bearer token, or nobody), then whether they may do what the endpoint does to its repository.
 *
 * <p>The answer depends only on the credentials and the route, never on what is stored, so a denial says
 * nothing about whether the repository exists. A caller without credentials (or with an anonymous token)
 * gets 401 and a challenge; a signed-in caller whose policies refuse the action gets 403 {@code DENIED};
 * a token lacking a scope its holder could get gets 401 {@code insufficient_scope}, so the client fetches a
 * new token and retries. The base endpoint {@code /v2/} and the catalog need a signed-in caller.
 */
public final class AuthGate implements Handler<RoutingContext>, AccessCheck {
    /** Where the caller is kept on the routing context once known. */
    static final String CALLER = "wharf.caller";

    private final Authenticator authenticator;
    private final TokenVerifier tokens;
    private final AccessPolicy policy;
    private final Challenges challenges;

    /** @param tokens the verifier of Bearer tokens, or null when only Basic credentials are accepted */
    AuthGate(Authenticator authenticator, TokenVerifier tokens, AccessPolicy policy, Challenges challenges) {
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.policy = policy;
        this.challenges = challenges;
    }

    @Override
    public void handle(RoutingContext ctx) {
        identify(ctx, caller -> authorize(ctx, caller));
    }

    /** A gate for administration endpoints outside {@code /v2/}: admins only. */
    Handler<RoutingContext> adminOnly() {
        return ctx -> identify(ctx, caller -> {
            if (caller.user() == null) {
                challenge(ctx, null, "authentication required");
            } else if (!policy.mayAdminister(caller.user())) {
                ctx.fail(RegistryException.of(ErrorCode.DENIED, "administration needs the admin role"));
            } else {
                ctx.next();
            }
        });
    }

    /** Finds out who the caller is (Basic credentials, a Bearer token, or nobody) and hands them on. */
    private void identify(RoutingContext ctx, java.util.function.Consumer<Caller> next) {
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            next.accept(Caller.ANONYMOUS);
            return;
        }
        if (tokens != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Caller caller;
            try {
                caller = tokens.verify(header.substring(7).trim());
            } catch (TokenVerifier.InvalidToken e) {
                challenge(ctx, "invalid_token", e.getMessage());
                return;
            }
            next.accept(caller);
            return;
        }
        BasicCredentials credentials = BasicCredentials.fromHeader(header);
        if (credentials == null) {
            challenge(ctx, "invalid_request", "unsupported or malformed Authorization header");
            return;
        }
        authenticator.login(clientOf(ctx), credentials).onComplete(login -> {
            if (login.succeeded()) {
                next.accept(new Caller(login.result(), null));
            } else if (login.cause() instanceof RegistryException re && re.code() == ErrorCode.UNAUTHORIZED) {
                challenge(ctx, null, re.getMessage());
            } else {
                ctx.fail(login.cause());
            }
        });
    }

    /** For cross-repository mounts and the catalog: may the caller of {@code ctx} pull {@code repository}? */
    @Override
    public boolean mayPull(RoutingContext ctx, RepositoryName repository) {
        Caller caller = ctx.get(CALLER);
        if (caller == null) {
            return false;
        }
        String name = repository.value();
        if (caller.viaToken()) {
            return caller.tokenGrants(name, "pull")
                    || (caller.tokenGrantsCatalog() && policy.allows(caller.user(), Action.PULL, name));
        }
        return policy.allows(caller.user(), Action.PULL, name);
    }

    static String clientOf(RoutingContext ctx) {
        return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    }

    private void authorize(RoutingContext ctx, Caller caller) {
        ctx.put(CALLER, caller);
        ApiRoute route = RegistryApi.route(ctx);
        if (route.name() == null) {
            authorizeRegistryWide(ctx, caller, route);
            return;
        }
        Action action = route.action();
        String name = route.name().value();
        boolean permitted = caller.viaToken()
                ? caller.tokenGrants(name, AccessPolicy.nameOf(action))
                : policy.allows(caller.user(), action, name);
        if (permitted) {
            ctx.next();
        } else if (caller.user() == null) {
            challenge(ctx, caller.viaToken() ? "insufficient_scope" : null, "authentication required");
        } else if (caller.viaToken() && policy.allows(caller.user(), action, name)) {
            challenge(ctx, "insufficient_scope", "the token does not grant this access");
        } else {
            ctx.fail(RegistryException.of(ErrorCode.DENIED, "requested access to the resource is denied"));
        }
    }

    /**
     * The base endpoint and the catalog: any signed-in caller; the catalog with a token needs the catalog scope.
     * Search: every caller, anonymous too (a {@code docker search} without {@code docker login} must still work),
     * since its answer holds only what the caller may pull.
     */
    private void authorizeRegistryWide(RoutingContext ctx, Caller caller, ApiRoute route) {
        if (route.kind() == ApiRoute.Kind.SEARCH) {
            ctx.next();
        } else if (caller.user() == null) {
            challenge(ctx, caller.viaToken() ? "insufficient_scope" : null, "authentication required");
        } else if (route.kind() == ApiRoute.Kind.CATALOG && caller.viaToken() && !caller.tokenGrantsCatalog()) {
            challenge(ctx, "insufficient_scope", "the token does not grant the catalog");
        } else {
            ctx.next();
        }
    }

    private void challenge(RoutingContext ctx, String error, String message) {
        ctx.response().putHeader(Challenges.HEADER, challenges.forRequest(ctx.request(), scopesNeeded(ctx), error));
        ctx.fail(RegistryException.of(ErrorCode.UNAUTHORIZED, message));
    }

    /** The scopes a client should ask a token for to make this request, including the source of a mount. */
    private static List<Scope> scopesNeeded(RoutingContext ctx) {
        ApiRoute route = RegistryApi.route(ctx);
        List<Scope> scopes = new ArrayList<>();
        if (route == null) {
            return scopes;
        }
        if (route.kind() == ApiRoute.Kind.CATALOG) {
            scopes.add(Scope.CATALOG);
        }
        if (route.name() == null) {
            return scopes;
        }
        List<String> actions = switch (route.action()) {
            case PUSH -> List.of("pull", "push");
            case DELETE -> List.of("delete");
            default -> List.of("pull");
        };
        scopes.add(new Scope(Scope.REPOSITORY, route.name().value(), actions));
        String from = ctx.request().getParam("from");
        if (route.kind() == ApiRoute.Kind.UPLOAD_START && from != null && ctx.request().getParam("mount") != null) {
            try {
                scopes.add(new Scope(Scope.REPOSITORY, RepositoryName.parse(from).value(), List.of("pull")));
            } catch (RegistryException invalidName) {
                // the handler answers NAME_INVALID; the challenge just leaves the bad name out
            }
        }
        return scopes;
    }
}
