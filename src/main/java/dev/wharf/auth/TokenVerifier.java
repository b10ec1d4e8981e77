package dev.wharf.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.security.Key;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a Bearer token: signature by one of the trusted keys (chosen by {@code kid} when both sides have
 * one), issuer, audience, and exp/nbf within the tolerated clock skew; then reads its {@code access} claim.
 */
final class TokenVerifier {
    /** A token that does not pass; the message is safe to show the client and never contains the token. */
    static final class InvalidToken extends Exception {
        InvalidToken(String message) {
            super(message, null, false, false);
        }
    }

    private static final Set<JWSAlgorithm> EC_ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    private static final Set<JWSAlgorithm> RSA_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

    private record TrustedKey(String id, KeyType type, Key key) {
    }

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    TokenVerifier(List<JWK> trusted, String issuer, String audience, Duration clockSkew) {
        List<TrustedKey> keys = new ArrayList<>();
        for (JWK jwk : trusted) {
            try {
                if (jwk instanceof ECKey ec) {
                    keys.add(new TrustedKey(jwk.getKeyID(), KeyType.EC, ec.toECPublicKey()));
                } else if (jwk instanceof RSAKey rsa) {
                    keys.add(new TrustedKey(jwk.getKeyID(), KeyType.RSA, rsa.toRSAPublicKey()));
                }
            } catch (JOSEException e) {
                throw new IllegalArgumentException("unusable token verification key " + jwk.getKeyID() + ": " + e.getMessage(), e);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no EC or RSA key to verify tokens with");
        }
        processor.setJWSKeySelector(selector(List.copyOf(keys)));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp"));
        claims.setMaxClockSkew((int) clockSkew.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** The caller the token speaks for, with what it grants. */
    Caller verify(String token) throws InvalidToken {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new InvalidToken("malformed token");
        } catch (BadJOSEException e) {
            throw new InvalidToken("invalid token: " + e.getMessage());
        } catch (JOSEException e) {
            throw new InvalidToken("token could not be verified");
        }
        String subject = claims.getSubject();
        return new Caller(subject == null || subject.isEmpty() ? null : subject, access(claims.getClaim("access")));
    }

    private static List<Scope> access(Object claim) throws InvalidToken {
        List<Scope> scopes = new ArrayList<>();
        if (claim == null) {
            return scopes;
        }
        if (!(claim instanceof List<?> entries)) {
            throw new InvalidToken("invalid token: access claim is not a list");
        }
        for (Object entry : entries) {
            if (entry instanceof Map<?, ?> map && map.get("type") instanceof String type && map.get("name") instanceof String name
                    && map.get("actions") instanceof List<?> actions) {
                scopes.add(new Scope(type, name, actions.stream().map(String::valueOf).toList()));
            } else {
                throw new InvalidToken("invalid token: malformed access entry");
            }
        }
        return scopes;
    }

    /** Keys of the token's algorithm family; when the token names a key, only keys with that id or with none. */
    private static JWSKeySelector<SecurityContext> selector(List<TrustedKey> keys) {
        return (JWSHeader header, SecurityContext ctx) -> {
            KeyType family = EC_ALGORITHMS.contains(header.getAlgorithm()) ? KeyType.EC
                    : RSA_ALGORITHMS.contains(header.getAlgorithm()) ? KeyType.RSA : null;
            String id = header.getKeyID();
            return keys.stream()
                    .filter(k -> k.type().equals(family) && (id == null || k.id() == null || id.equals(k.id())))
                    .map(TrustedKey::key)
                    .toList();
        };
    }
}
