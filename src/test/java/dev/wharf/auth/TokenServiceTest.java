package dev.wharf.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.wharf.config.WharfConfig;
import dev.wharf.testing.TestRegistry;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenServiceTest {
    static final String SERVICE = "wharf-test";
    static final String UNKNOWN_BLOB = "/blobs/sha256:" + "0".repeat(64);

    @TempDir
    static Path dir;
    static TestRegistry registry;

    @BeforeAll
    static void start() {
        Path htpasswd = AuthFixtures.htpasswd(dir, BasicAuthTest.PASSWORDS);
        WharfConfig.Auth auth = AuthFixtures.auth(dir, BasicAuthTest.authYaml(htpasswd, """
                  mode: token
                  token:
                    service: %s
                    issuer: test-issuer
                """.formatted(SERVICE)));
        registry = TestRegistry.start(c -> c.withAuth(auth));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static JsonPath tokenResponse(String user, String... scopes) {
        RequestSpecification request = registry.given().queryParam("service", SERVICE);
        if (user != null) {
            request = request.auth().preemptive().basic(user, BasicAuthTest.PASSWORDS.get(user));
        }
        for (String scope : scopes) {
            request = request.queryParam("scope", scope);
        }
        return request.get("/token").then().statusCode(200).header("Cache-Control", "no-store").extract().jsonPath();
    }

    static String token(String user, String... scopes) {
        return tokenResponse(user, scopes).getString("token");
    }

    static RequestSpecification bearer(String token) {
        return registry.given().header("Authorization", "Bearer " + token);
    }

    private String realm() {
        return "http://127.0.0.1:" + registry.port() + "/token";
    }

    @Test
    void baseEndpointChallengesWithTheTokenServicesRealmAndService() {
        registry.given().get("/v2/").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"" + realm() + "\",service=\"" + SERVICE + "\"")
                .body("errors[0].code", equalTo("UNAUTHORIZED"));
    }

    @Test
    void aPushChallengeNamesTheScopeToAskFor() {
        registry.given().post("/v2/team-a/app/blobs/uploads/").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"" + realm() + "\",service=\"" + SERVICE
                        + "\",scope=\"repository:team-a/app:pull,push\"");
    }

    @Test
    void theTokenCarriesTheSpecsClaimsAndOnlyTheAllowedPartOfTheRequest() throws Exception {
        JsonPath response = tokenResponse("bob", "repository:team-a/app:pull,push", "repository:team-b/app:pull");
        String token = response.getString("token");
        assertEquals(token, response.getString("access_token"));
        assertEquals(300, response.getInt("expires_in"));
        Instant issuedAt = Instant.parse(response.getString("issued_at"));

        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
        assertNotNull(jwt.getHeader().getKeyID());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertEquals("test-issuer", claims.getIssuer());
        assertEquals("bob", claims.getSubject());
        assertEquals(List.of(SERVICE), claims.getAudience());
        assertEquals(issuedAt, claims.getIssueTime().toInstant());
        assertEquals(issuedAt, claims.getNotBeforeTime().toInstant());
        assertEquals(issuedAt.plusSeconds(300), claims.getExpirationTime().toInstant());
        assertNotNull(claims.getJWTID());
        assertEquals(List.of(Map.of("type", "repository", "name", "team-a/app", "actions", List.of("pull"))),
                claims.getClaim("access"));
    }

    @Test
    void aTokenLetsItsHolderDoWhatItGrants() {
        String token = token("bob", "repository:team-a/app:pull");
        bearer(token).get("/v2/").then().statusCode(200);
        bearer(token).get("/v2/team-a/app" + UNKNOWN_BLOB).then().statusCode(404).body("errors[0].code", equalTo("BLOB_UNKNOWN"));
    }

    @Test
    void aTokenWithoutTheScopeGetsInsufficientScopeWhenThePolicyWouldAllowIt() {
        String pullOnly = token("alice", "repository:team-a/app:pull");
        bearer(pullOnly).post("/v2/team-a/app/blobs/uploads/").then().statusCode(401)
                .header("WWW-Authenticate", containsString("scope=\"repository:team-a/app:pull,push\",error=\"insufficient_scope\""));
        String pullPush = token("alice", "repository:team-a/app:pull,push");
        bearer(pullPush).post("/v2/team-a/app/blobs/uploads/").then().statusCode(202);
    }

    @Test
    void aPushIsDeniedToAUserWhosePoliciesRefuseIt() {
        String token = token("bob", "repository:team-a/app:pull,push");
        bearer(token).post("/v2/team-a/app/blobs/uploads/").then().statusCode(403).body("errors[0].code", equalTo("DENIED"));
    }

    @Test
    void wrongCredentialsAtTheTokenEndpointAre401WithABasicChallenge() {
        registry.given().auth().preemptive().basic("alice", "nope").queryParam("service", SERVICE).get("/token").then()
                .statusCode(401).header("WWW-Authenticate", "Basic realm=\"Test Wharf\"")
                .body("errors[0].code", equalTo("UNAUTHORIZED"));
    }

    @Test
    void anAnonymousTokenCoversOnlyTheAnonymousGrants() {
        JsonPath response = tokenResponse(null, "repository:library/alpine:pull,push", "repository:team-a/app:pull");
        String token = response.getString("token");
        bearer(token).get("/v2/library/alpine" + UNKNOWN_BLOB).then().statusCode(404);
        bearer(token).get("/v2/team-a/app" + UNKNOWN_BLOB).then().statusCode(401);
        bearer(token).get("/v2/").then().statusCode(401);
    }

    @Test
    void theOAuth2PasswordGrantOfNewerClientsIssuesATokenToo() throws Exception {
        JsonPath response = registry.given().contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "password").formParam("username", "alice").formParam("password", "alice-secret")
                .formParam("service", SERVICE).formParam("client_id", "docker")
                .formParam("scope", "repository:team-a/app:pull,push repository:team-b/x:pull")
                .post("/token").then().statusCode(200).extract().jsonPath();
        assertEquals("repository:team-a/app:pull,push", response.getString("scope"));
        assertEquals("alice", SignedJWT.parse(response.getString("access_token")).getJWTClaimsSet().getSubject());
        bearer(response.getString("access_token")).post("/v2/team-a/app/blobs/uploads/").then().statusCode(202);
    }

    @Test
    void oauth2GrantsOtherThanPasswordAndWrongPasswordsAreRefused() {
        registry.given().contentType("application/x-www-form-urlencoded").formParam("grant_type", "refresh_token")
                .formParam("refresh_token", "x").formParam("service", SERVICE).post("/token").then()
                .statusCode(400).body("error", equalTo("unsupported_grant_type"));
        registry.given().contentType("application/x-www-form-urlencoded").formParam("grant_type", "password")
                .formParam("username", "alice").formParam("password", "wrong").formParam("service", SERVICE)
                .post("/token").then().statusCode(401);
    }

    @Test
    void aTokenForAnotherServiceIsNotIssued() {
        registry.given().auth().preemptive().basic("alice", "alice-secret").queryParam("service", "elsewhere")
                .get("/token").then().statusCode(400);
    }

    @Test
    void aTamperedTokenIsRejectedAsInvalid() {
        String token = token("alice", "repository:team-a/app:pull");
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        bearer(tampered).get("/v2/").then().statusCode(401)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""));
    }

    @Test
    void anExpiredTokenIsRejectedButOneWithinTheClockSkewIsAccepted() throws Exception {
        SigningKey key = SigningKey.load(registry.root().resolve("auth").resolve("token-signing-key.pem"));
        Instant now = Instant.now();
        String expired = issuer(key, now.minus(Duration.ofMinutes(10))).issue("alice", List.of()).token();
        bearer(expired).get("/v2/").then().statusCode(401).header("WWW-Authenticate", containsString("invalid_token"));
        // expired 10 s ago, with the default skew of 30 s
        String barely = issuer(key, now.minus(Duration.ofMinutes(5)).minusSeconds(10)).issue("alice", List.of()).token();
        bearer(barely).get("/v2/").then().statusCode(200);
        // issued by a clock 10 s fast: nbf is in the future, but within the skew
        String early = issuer(key, now.plusSeconds(10)).issue("alice", List.of()).token();
        bearer(early).get("/v2/").then().statusCode(200);
    }

    @Test
    void aTokenSignedByAnotherKeyIsRejected(@TempDir Path other) throws Exception {
        SigningKey foreign = SigningKey.loadOrGenerate("", other.resolve("key.pem"));
        String token = issuer(foreign, Instant.now()).issue("root", List.of()).token();
        bearer(token).get("/v2/").then().statusCode(401);
    }

    @Test
    void theGeneratedKeyIsKeptSoTokensOutliveARestart() throws Exception {
        Path keyFile = registry.root().resolve("auth").resolve("token-signing-key.pem");
        assertTrue(Files.isRegularFile(keyFile));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        String token = token("bob", "repository:team-a/app:pull");
        registry.stopServer();
        registry.boot();
        bearer(token).get("/v2/team-a/app" + UNKNOWN_BLOB).then().statusCode(404);
    }

    @Test
    void theCatalogNeedsATokenWithTheCatalogScopeAndListsWhatItsHolderMayPull() {
        bearer(token("alice")).get("/v2/_catalog").then().statusCode(401)
                .header("WWW-Authenticate", containsString("scope=\"registry:catalog:*\",error=\"insufficient_scope\""));
        BasicAuthTest.pushBlob(registry, "root", "team-a/in-catalog", "visible to alice");
        BasicAuthTest.pushBlob(registry, "root", "team-b/in-catalog", "hidden from alice");
        List<String> names = bearer(token("alice", "registry:catalog:*")).get("/v2/_catalog").then().statusCode(200)
                .extract().jsonPath().getList("repositories", String.class);
        assertTrue(names.contains("team-a/in-catalog"), names.toString());
        assertTrue(!names.contains("team-b/in-catalog"), names.toString());
        bearer(token(null, "registry:catalog:*")).get("/v2/_catalog").then().statusCode(401);
    }

    private static TokenIssuer issuer(SigningKey key, Instant at) {
        return new TokenIssuer(key, "test-issuer", SERVICE, Duration.ofMinutes(5), Clock.fixed(at, ZoneOffset.UTC));
    }
}
