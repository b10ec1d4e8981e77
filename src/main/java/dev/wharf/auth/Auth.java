package dev.wharf.auth;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.wharf.api.AccessCheck;
import dev.wharf.api.ErrorResponses;
import dev.wharf.config.WharfConfig;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds authentication and access control from the {@code auth} section: the gate for the registry API,
 * the access check for mounts and the catalog, and (in token mode without an external issuer) the token
 * endpoint. Reads files (htpasswd, keys), so build it before the server starts, not on an event loop.
 */
public final class Auth {
    private static final Logger LOG = LoggerFactory.getLogger(Auth.class);
    /** Largest token request form accepted; a real one is a few hundred bytes. */
    private static final int TOKEN_FORM_LIMIT = 16 * 1024;

    private final AuthGate gate;
    private final TokenEndpoint tokenEndpoint;

    private Auth(AuthGate gate, TokenEndpoint tokenEndpoint) {
        this.gate = gate;
        this.tokenEndpoint = tokenEndpoint;
    }

    /** @param generatedKey where a generated token signing key is kept (under the storage root) */
    public static Auth create(Vertx vertx, WharfConfig.Auth config, Path generatedKey) throws IOException {
        AccessPolicy policy = new AccessPolicy(config);
        UserStore users = new UserStore(config.htpasswd().isBlank() ? null : Path.of(config.htpasswd()), config.users());
        LoginThrottle throttle = new LoginThrottle(config.failedLogins().limit(), config.failedLogins().windowDuration(),
                Clock.systemUTC());
        Authenticator authenticator = new Authenticator(vertx, users, throttle);
        WharfConfig.External external = config.external();
        if (external.enabled()) {
            TokenVerifier verifier = new TokenVerifier(externalKeys(external), external.issuer(), external.service(),
                    config.clockSkewDuration());
            Challenges challenges = new Challenges(config.realm(), external.realm(), external.service());
            LOG.info("authentication on: tokens of {} accepted, {} local user(s)", external.issuer(), users.size());
            return new Auth(new AuthGate(authenticator, verifier, policy, challenges), null);
        }
        if (config.tokenMode()) {
            WharfConfig.Token token = config.token();
            SigningKey key = SigningKey.loadOrGenerate(token.key(), generatedKey);
            TokenIssuer issuer = new TokenIssuer(key, token.issuer(), token.service(), token.expiryDuration(), Clock.systemUTC());
            TokenVerifier verifier = new TokenVerifier(List.of(key.publicJwk()), token.issuer(), token.service(),
                    config.clockSkewDuration());
            Challenges challenges = new Challenges(config.realm(), token.realm(), token.service());
            LOG.info("authentication on: built-in token service ({} key {}), {} user(s)", key.algorithm(),
                    key.jwk().getKeyID(), users.size());
            return new Auth(new AuthGate(authenticator, verifier, policy, challenges),
                    new TokenEndpoint(authenticator, policy, issuer, token.service(), challenges));
        }
        LOG.info("authentication on: Basic, {} user(s)", users.size());
        return new Auth(new AuthGate(authenticator, null, policy, new Challenges(config.realm(), "", null)), null);
    }

    /** Who the request's credentials named (after the gate ran), or null: anonymous, or no gate on the route. */
    public static String user(RoutingContext ctx) {
        Caller caller = ctx.get(AuthGate.CALLER);
        return caller == null ? null : caller.user();
    }

    public Handler<RoutingContext> gate() {
        return gate;
    }

    public AccessCheck access() {
        return gate;
    }

    /** The gate of administration endpoints (on-demand garbage collection): admins only. */
    public Handler<RoutingContext> adminGate() {
        return gate.adminOnly();
    }

    /** Adds the routes that live outside {@code /v2/} (the token endpoint, in token mode) to the server's root router. */
    public void mountRoutes(Router root) {
        if (tokenEndpoint == null) {
            return;
        }
        root.get("/token").handler(tokenEndpoint::handle).failureHandler(ErrorResponses::failed);
        root.post("/token").handler(BodyHandler.create(false).setBodyLimit(TOKEN_FORM_LIMIT)).handler(tokenEndpoint::handle)
                .failureHandler(ErrorResponses::failed);
    }

    private static List<JWK> externalKeys(WharfConfig.External external) throws IOException {
        List<JWK> keys = new ArrayList<>();
        if (!external.publicKey().isBlank()) {
            Path file = Path.of(external.publicKey());
            for (PublicKey key : PemKeys.publicKeys(file, PemKeys.read(file))) {
                keys.add(key instanceof ECPublicKey ec
                        ? new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build()
                        : new RSAKey.Builder((RSAPublicKey) key).build());
            }
        }
        if (!external.jwks().isBlank()) {
            try {
                keys.addAll(JWKSet.load(Path.of(external.jwks()).toFile()).getKeys());
            } catch (ParseException e) {
                throw new IOException("invalid JWKS file " + external.jwks() + ": " + e.getMessage(), e);
            }
        }
        if (keys.isEmpty()) {
            throw new IOException("auth.external.issuer is set but neither auth.external.publicKey nor auth.external.jwks gives a key");
        }
        return keys;
    }
}
