package dev.wharf.auth;

import dev.wharf.config.ConfigLoader;
import dev.wharf.config.WharfConfig;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.TestRegistry;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BasicAuthTest {
    @TempDir
    static Path dir;
    static TestRegistry registry;
    static Path htpasswd;

    static final Map<String, String> PASSWORDS = Map.of(
            "alice", "alice-secret", "bob", "bob-secret", "carol", "carol-secret", "dave", "dave-secret", "root", "root-secret");

    static String authYaml(Path htpasswd, String extra) {
        return """
                auth:
                  htpasswd: %s
                  realm: Test Wharf
                  groups:
                    readers: [bob]
                  admins: [root]
                  policies:
                    - users: [alice]
                      repositories: ["team-a/**"]
                      actions: [pull, push, delete]
                    - groups: [readers]
                      repositories: ["team-a/**"]
                      actions: [pull]
                    - users: [dave]
                      repositories: ["team-b/**"]
                      actions: ["*"]
                  anonymous:
                    - repositories: ["library/*"]
                      actions: [pull]
                %s""".formatted(htpasswd, extra);
    }

    @BeforeAll
    static void start() {
        htpasswd = AuthFixtures.htpasswd(dir, PASSWORDS);
        WharfConfig.Auth auth = AuthFixtures.auth(dir, authYaml(htpasswd, ""));
        registry = TestRegistry.start(c -> c.withAuth(auth));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void onDemandGarbageCollectionIsForAdminsOnly() {
        registry.given().post("/_wharf/gc?dryRun=true").then().statusCode(401)
                .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Basic"))
                .body("errors[0].code", equalTo("UNAUTHORIZED"));
        as(registry, "alice").post("/_wharf/gc?dryRun=true").then().statusCode(403)
                .body("errors[0].code", equalTo("DENIED"));
        as(registry, "root").post("/_wharf/gc?dryRun=true").then().statusCode(200)
                .body("dryRun", equalTo(true));
    }

    static RequestSpecification as(TestRegistry registry, String user) {
        return registry.given().auth().preemptive().basic(user, PASSWORDS.get(user));
    }

    /** Pushes {@code content} monolithically as {@code user}; returns the digest. */
    static String pushBlob(TestRegistry registry, String user, String repository, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String digest = Blobs.sha256(bytes);
        as(registry, user).contentType("application/octet-stream").body(bytes)
                .post("/v2/" + repository + "/blobs/uploads/?digest=" + digest).then().statusCode(201);
        return digest;
    }

    @Test
    void baseEndpointWithoutCredentialsIs401WithABasicChallengeAndTheSpecsBody() {
        registry.given().get("/v2/").then().statusCode(401)
                .header("WWW-Authenticate", "Basic realm=\"Test Wharf\"")
                .header("Docker-Distribution-API-Version", "registry/2.0")
                .body("errors[0].code", equalTo("UNAUTHORIZED"));
    }

    @Test
    void baseEndpointWithRightCredentialsIs200() {
        as(registry, "carol").get("/v2/").then().statusCode(200).body(equalTo("{}"));
    }

    @Test
    void aUserAddedToTheHtpasswdFileMaySignInWithoutARestart() throws Exception {
        registry.given().auth().preemptive().basic("newcomer", "fresh-secret").get("/v2/").then().statusCode(401);
        Files.writeString(htpasswd, "newcomer:" + AuthFixtures.bcrypt("fresh-secret") + "\n", StandardOpenOption.APPEND);
        // file times can be coarse: make sure the change is visible as one
        Files.setLastModifiedTime(htpasswd, FileTime.from(Instant.now().plusSeconds(5)));
        registry.given().auth().preemptive().basic("newcomer", "fresh-secret").get("/v2/").then().statusCode(200);
        as(registry, "alice").get("/v2/").then().statusCode(200);
    }

    @Test
    void wrongPasswordAndUnknownUserAreBoth401() {
        registry.given().auth().preemptive().basic("alice", "wrong").get("/v2/").then().statusCode(401)
                .header("WWW-Authenticate", "Basic realm=\"Test Wharf\"").body("errors[0].code", equalTo("UNAUTHORIZED"));
        registry.given().auth().preemptive().basic("nobody", "x").get("/v2/").then().statusCode(401);
    }

    @Test
    void malformedAuthorizationHeaderIs401() {
        registry.given().header("Authorization", "Basic !!!").get("/v2/").then().statusCode(401);
        registry.given().header("Authorization", "Bearer abc").get("/v2/").then().statusCode(401);
    }

    @Test
    void aReaderMayPullButHerPushIsDenied() {
        String digest = pushBlob(registry, "alice", "team-a/app", "layer for the reader");
        as(registry, "bob").get("/v2/team-a/app/blobs/" + digest).then().statusCode(200).body(equalTo("layer for the reader"));
        as(registry, "bob").post("/v2/team-a/app/blobs/uploads/").then().statusCode(403)
                .body("errors[0].code", equalTo("DENIED"));
    }

    @Test
    void deleteNeedsTheDeleteAction() {
        String digest = pushBlob(registry, "alice", "team-a/deletable", "to be deleted");
        as(registry, "bob").delete("/v2/team-a/deletable/blobs/" + digest).then().statusCode(403)
                .body("errors[0].code", equalTo("DENIED"));
        as(registry, "alice").delete("/v2/team-a/deletable/blobs/" + digest).then().statusCode(202);
    }

    @Test
    void aDenialLooksTheSameWhetherTheRepositoryExistsOrNot() {
        String digest = pushBlob(registry, "alice", "team-a/exists", "existing content");
        String existing = as(registry, "carol").get("/v2/team-a/exists/blobs/" + digest).then().statusCode(403)
                .extract().asString();
        String missing = as(registry, "carol").get("/v2/team-a/never-pushed/blobs/" + digest).then().statusCode(403)
                .extract().asString();
        assertEquals(existing, missing);
        registry.given().get("/v2/team-a/exists/blobs/" + digest).then().statusCode(401);
        registry.given().get("/v2/team-a/never-pushed/blobs/" + digest).then().statusCode(401);
    }

    @Test
    void anonymousCallersMayPullPublicRepositoriesButNotPushThere() {
        String digest = pushBlob(registry, "root", "library/alpine", "public layer");
        registry.given().get("/v2/library/alpine/blobs/" + digest).then().statusCode(200).body(equalTo("public layer"));
        registry.given().post("/v2/library/alpine/blobs/uploads/").then().statusCode(401)
                .header("WWW-Authenticate", "Basic realm=\"Test Wharf\"");
        registry.given().get("/v2/library/tools/jq/blobs/" + digest).then().statusCode(401);
    }

    @Test
    void signedInUsersAlsoGetWhatAnonymousCallersGet() {
        String digest = pushBlob(registry, "root", "library/busybox", "another public layer");
        as(registry, "dave").head("/v2/library/busybox/blobs/" + digest).then().statusCode(200);
    }

    @Test
    void crossRepositoryMountNeedsPullOnTheSourceRepository() {
        String digest = pushBlob(registry, "alice", "team-a/base", "shared base layer");
        // dave may push to team-b but not pull team-a: no mount, a plain upload session instead
        as(registry, "dave").post("/v2/team-b/app/blobs/uploads/?mount=" + digest + "&from=team-a/base").then()
                .statusCode(202).header("Docker-Content-Digest", nullValue());
        as(registry, "dave").head("/v2/team-b/app/blobs/" + digest).then().statusCode(404);
        // an admin may pull everywhere, so the blob is mounted
        as(registry, "root").post("/v2/team-b/app/blobs/uploads/?mount=" + digest + "&from=team-a/base").then()
                .statusCode(201).header("Docker-Content-Digest", digest);
    }

    @Test
    void catalogNeedsASignedInCallerAndListsOnlyWhatTheyMayPull() {
        registry.given().get("/v2/_catalog").then().statusCode(401).body("errors[0].code", equalTo("UNAUTHORIZED"));
        pushBlob(registry, "alice", "team-a/listed", "catalog entry a");
        pushBlob(registry, "dave", "team-b/listed", "catalog entry b");
        pushBlob(registry, "root", "library/listed", "catalog entry library");
        List<String> seenByBob = as(registry, "bob").get("/v2/_catalog").then().statusCode(200)
                .extract().jsonPath().getList("repositories", String.class);
        assertTrue(seenByBob.contains("team-a/listed") && seenByBob.contains("library/listed"), seenByBob.toString());
        assertTrue(seenByBob.stream().allMatch(n -> n.startsWith("team-a/") || n.startsWith("library/")), seenByBob.toString());
        List<String> seenByRoot = as(registry, "root").get("/v2/_catalog").then().statusCode(200)
                .extract().jsonPath().getList("repositories", String.class);
        assertTrue(seenByRoot.contains("team-b/listed") && seenByRoot.contains("team-a/listed"), seenByRoot.toString());
    }

    @Test
    void failedLoginsAreLoggedWithTheUserNameButNeverThePassword() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            registry.given().auth().preemptive().basic("alice", "Sup3r-Secret-Guess").get("/v2/").then().statusCode(401);
            as(registry, "alice").get("/v2/").then().statusCode(200);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("failed login as alice"), log);
        assertFalse(log.contains("Sup3r-Secret-Guess"), log);
        assertFalse(log.contains(PASSWORDS.get("alice")), log);
    }

    @Test
    void repeatedFailedLoginsFromOneClientAreThrottledEvenWithTheRightPasswordAfterwards() {
        WharfConfig.Auth auth = AuthFixtures.auth(dir, authYaml(htpasswd, """
                  mode: token
                  failedLogins:
                    limit: 2
                    window: 1m
                """));
        try (TestRegistry throttled = TestRegistry.start(c -> c.withAuth(auth))) {
            // failures at the registry API and at the token endpoint count together
            throttled.given().auth().preemptive().basic("alice", "guess").get("/v2/").then().statusCode(401);
            throttled.given().auth().preemptive().basic("alice", "guess").get("/token").then().statusCode(401);
            as(throttled, "alice").get("/v2/").then().statusCode(429).body("errors[0].code", equalTo("TOOMANYREQUESTS"));
            as(throttled, "alice").get("/token").then().statusCode(429);
        }
    }

    @Test
    void usersWrittenInTheConfigurationMaySignInBesideTheHtpasswdOnes() {
        WharfConfig.Auth auth = AuthFixtures.auth(dir, authYaml(htpasswd, """
                  users:
                    ivan: "%s"
                """.formatted(AuthFixtures.bcrypt("ivan-secret"))));
        try (TestRegistry inline = TestRegistry.start(c -> c.withAuth(auth))) {
            inline.given().auth().preemptive().basic("ivan", "ivan-secret").get("/v2/").then().statusCode(200);
            inline.given().auth().preemptive().basic("ivan", "wrong").get("/v2/").then().statusCode(401);
            as(inline, "alice").get("/v2/").then().statusCode(200);
        }
    }

    @Test
    void theEnvironmentVariablesTurnAuthenticationOnAndPickTheMode() {
        WharfConfig config = ConfigLoader.load(null, Map.of("WHARF_AUTH_HTPASSWD", htpasswd.toString(), "WHARF_AUTH_MODE", "token"));
        assertTrue(config.auth().enabled());
        assertTrue(config.auth().tokenMode());
        assertEquals(htpasswd.toString(), config.auth().htpasswd());
        assertFalse(ConfigLoader.load(null, Map.of()).auth().enabled(), "off by default");
    }
}
