package dev.wharf.auth;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.hamcrest.Matchers.equalTo;

/** With authentication on, search answers every caller, but names only the repositories that caller may pull. */
class SearchAuthTest {
    @TempDir
    static Path dir;
    static TestRegistry registry;

    @BeforeAll
    static void start() {
        Path htpasswd = AuthFixtures.htpasswd(dir, BasicAuthTest.PASSWORDS);
        WharfConfig.Auth auth = AuthFixtures.auth(dir, BasicAuthTest.authYaml(htpasswd, ""));
        registry = TestRegistry.start(c -> c.withAuth(auth));
        for (String repository : List.of("team-a/web", "team-b/web", "library/web")) {
            BasicAuthTest.as(registry, "root").contentType("application/octet-stream").body(Blobs.content(10, 1))
                    .post("/v2/" + repository + "/blobs/uploads/?digest=" + Blobs.sha256(Blobs.content(10, 1)))
                    .then().statusCode(201);
        }
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void anAnonymousCallerSeesOnlyWhatAnonymousMayPull() {
        registry.given().get("/v1/search?q=web").then().statusCode(200)
                .body("num_results", equalTo(1)).body("results.name", equalTo(List.of("library/web")));
    }

    @Test
    void aUserSeesWhatTheirPoliciesLetThemPull() {
        BasicAuthTest.as(registry, "alice").get("/v1/search?q=web").then().statusCode(200)
                .body("results.name", equalTo(List.of("library/web", "team-a/web")));
        BasicAuthTest.as(registry, "dave").get("/v1/search?q=web").then().statusCode(200)
                .body("results.name", equalTo(List.of("library/web", "team-b/web")));
        BasicAuthTest.as(registry, "root").get("/v1/search?q=web").then().statusCode(200).body("num_results", equalTo(3));
    }

    @Test
    void aWrongPasswordIsStillRefused() {
        registry.given().auth().preemptive().basic("alice", "wrong").get("/v1/search?q=web").then().statusCode(401);
    }
}
