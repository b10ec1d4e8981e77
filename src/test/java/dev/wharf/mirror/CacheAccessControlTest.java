package dev.wharf.mirror;

import dev.wharf.auth.AuthFixtures;
import dev.wharf.config.WharfConfig;
import dev.wharf.testing.Images;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/**
 * Pulling through the cache needs {@code pull} on the name the content is kept under ({@code <prefix>/<name>}),
 * however the client asked for it (default route, {@code ns}, prefix): policies keep a private upstream to a team.
 */
class CacheAccessControlTest {
    @TempDir
    Path dir;

    @Test
    void aPolicyOnTheCachedNameDecidesWhoMayPullThroughTheCache() {
        try (TestRegistry upstream = TestRegistry.start()) {
            Images.Image image = Images.push(upstream, "team/app", "1", 1);
            Path htpasswd = AuthFixtures.htpasswd(dir, Map.of("alice", "alice-pw", "bob", "bob-pw"));
            WharfConfig.Auth auth = AuthFixtures.auth(dir, """
                    auth:
                      htpasswd: %s
                      mode: token
                      policies:
                        - users: [alice]
                          repositories: ["private.test/team/**"]
                          actions: [pull]
                    """.formatted(htpasswd));
            try (TestRegistry mirror = Mirrors.of(c -> c.withAuth(auth), Mirrors.upstream("private.test", upstream.baseUrl(), true, "60s"))) {
                mirror.given().get("/v2/team/app/manifests/1").then().statusCode(401)
                        .header("WWW-Authenticate", containsString("repository:private.test/team/app:pull"));
                mirror.given().auth().preemptive().basic("alice", "alice-pw").get("/v2/team/app/manifests/1").then().statusCode(200);
                mirror.given().auth().preemptive().basic("alice", "alice-pw").get("/v2/team/app/manifests/1?ns=private.test")
                        .then().statusCode(200);
                mirror.given().auth().preemptive().basic("bob", "bob-pw").get("/v2/private.test/team/app/manifests/" + image.digest())
                        .then().statusCode(403);
                mirror.given().auth().preemptive().basic("bob", "bob-pw").get("/v2/team/app/blobs/" + image.layer()).then().statusCode(403);
            }
        }
    }
}
