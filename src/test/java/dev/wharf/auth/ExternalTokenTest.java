package dev.wharf.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.wharf.config.WharfConfig;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Wharf behind an outside token server: it only verifies tokens, with the server's key from a PEM file or a JWKS file. */
class ExternalTokenTest {
    static final String ISSUER = "https://idp.example.test";
    static final String REALM = "https://idp.example.test/auth/token";

    @TempDir
    static Path dir;
    static RSAKey pemKey;
    static RSAKey jwksKey;
    static TestRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        pemKey = new RSAKeyGenerator(2048).generate();
        jwksKey = new RSAKeyGenerator(2048).keyID("idp-2").keyUse(KeyUse.SIGNATURE).generate();
        Path pem = dir.resolve("idp.pem");
        Files.writeString(pem, PemKeys.encode("PUBLIC KEY", pemKey.toRSAPublicKey()));
        Path jwks = dir.resolve("idp.jwks");
        Files.writeString(jwks, new JWKSet(jwksKey.toPublicJWK()).toString());
        WharfConfig.Auth auth = AuthFixtures.auth(dir, """
                auth:
                  policies:
                    - users: [erin]
                      repositories: ["team-e/**"]
                      actions: [pull, push]
                  external:
                    issuer: %s
                    publicKey: %s
                    jwks: %s
                    realm: %s
                    service: registry.example.test
                """.formatted(ISSUER, pem, jwks, REALM));
        registry = TestRegistry.start(c -> c.withAuth(auth));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static String sign(RSAKey key, String issuer, String audience, List<Map<String, Object>> access) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject("erin").audience(audience)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60)))
                .jwtID("t-" + now.toEpochMilli()).claim("access", access).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    static final List<Map<String, Object>> PUSH_APP = List.of(
            Map.of("type", "repository", "name", "team-e/app", "actions", List.of("pull", "push")));

    @Test
    void challengesPointAtTheOutsideTokenServer() {
        registry.given().get("/v2/").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"" + REALM + "\",service=\"registry.example.test\"");
        registry.given().get("/token").then().statusCode(404);
    }

    @Test
    void tokensSignedWithThePemKeyOrAJwksKeyAreAccepted() throws Exception {
        for (RSAKey key : List.of(pemKey, jwksKey)) {
            registry.given().header("Authorization", "Bearer " + sign(key, ISSUER, "registry.example.test", PUSH_APP))
                    .post("/v2/team-e/app/blobs/uploads/").then().statusCode(202);
        }
    }

    @Test
    void theAccessClaimLimitsWhatATokenMayDo() throws Exception {
        String token = sign(jwksKey, ISSUER, "registry.example.test", PUSH_APP);
        registry.given().header("Authorization", "Bearer " + token).post("/v2/team-e/other/blobs/uploads/").then()
                .statusCode(401).header("WWW-Authenticate", containsString("insufficient_scope"));
        registry.given().header("Authorization", "Bearer " + token).post("/v2/team-x/app/blobs/uploads/").then()
                .statusCode(403).body("errors[0].code", equalTo("DENIED"));
    }

    @Test
    void tokensOfAnotherIssuerOrAudienceOrKeyAreRejected() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).generate();
        for (String token : List.of(sign(pemKey, "https://other.test", "registry.example.test", PUSH_APP),
                sign(pemKey, ISSUER, "another-registry", PUSH_APP),
                sign(stranger, ISSUER, "registry.example.test", PUSH_APP))) {
            registry.given().header("Authorization", "Bearer " + token).get("/v2/").then().statusCode(401)
                    .header("WWW-Authenticate", containsString("invalid_token"));
        }
    }
}
