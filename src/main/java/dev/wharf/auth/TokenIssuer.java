package dev.wharf.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs the tokens of the built-in token service, with the claims of the Docker token spec: iss, sub, aud
 * (the service), exp, nbf, iat, jti and {@code access}, the list of granted {@code {type, name, actions}}.
 */
final class TokenIssuer {
    record IssuedToken(String token, Instant issuedAt, long expiresInSeconds) {
        /** Never shows the token itself. */
        @Override
        public String toString() {
            return "IssuedToken[issuedAt=" + issuedAt + ", expiresIn=" + expiresInSeconds + "s]";
        }
    }

    private final SigningKey key;
    private final String issuer;
    private final String audience;
    private final Duration lifetime;
    private final Clock clock;

    TokenIssuer(SigningKey key, String issuer, String audience, Duration lifetime, Clock clock) {
        this.key = key;
        this.issuer = issuer;
        this.audience = audience;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** A token for {@code subject} (null: anonymous) granting exactly {@code access}. */
    IssuedToken issue(String subject, List<Scope> access) {
        // Whole seconds: the claims are in seconds, and issued_at must agree with iat.
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject == null ? "" : subject)
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .claim("access", access.stream()
                        .map(s -> Map.of("type", s.type(), "name", s.name(), "actions", s.actions()))
                        .toList())
                .build();
        JWSHeader header = new JWSHeader.Builder(key.algorithm()).type(JOSEObjectType.JWT).keyID(key.jwk().getKeyID()).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a token failed", e);
        }
        return new IssuedToken(jwt.serialize(), now, lifetime.toSeconds());
    }
}
