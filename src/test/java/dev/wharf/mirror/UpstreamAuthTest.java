package dev.wharf.mirror;

import dev.wharf.auth.AuthFixtures;
import dev.wharf.config.WharfConfig;
import dev.wharf.testing.Images;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The mirror signs in at its upstream as the upstream asks: the Bearer token flow (a 401 challenge, a token for
 * {@code repository:<name>:pull} from the upstream's token service, the retry), anonymous tokens as Docker Hub hands
 * out for public images, and Basic credentials. The upstreams are Wharfs with their own auth on.
 */
class UpstreamAuthTest {
    private static final String PASSWORD = "mirror-secret-7f3a";

    @TempDir
    Path dir;

    private TestRegistry upstream(String mode) {
        Path htpasswd = AuthFixtures.htpasswd(dir, Map.of("pusher", "pusher-secret", "mirror", PASSWORD));
        WharfConfig.Auth auth = AuthFixtures.auth(dir, """
                auth:
                  htpasswd: %s
                  mode: %s
                  policies:
                    - users: [pusher]
                      repositories: ["**"]
                      actions: [pull, push]
                    - users: [mirror]
                      repositories: ["private/**"]
                      actions: [pull]
                  anonymous:
                    - repositories: ["public/**"]
                      actions: [pull]
                  token:
                    service: upstream-registry
                    issuer: upstream-registry
                """.formatted(htpasswd, mode));
        return TestRegistry.start(c -> c.withAuth(auth)).signedInAs("pusher", "pusher-secret");
    }

    private static WharfConfig.Upstream withCredentials(TestRegistry upstream, String user, Path passwordFile) {
        return new WharfConfig.Upstream("upstream.test", upstream.baseUrl(), null, true, user, null,
                passwordFile == null ? null : passwordFile.toString(), null, null, false, "2s", "2s", "5s", "60s", "", List.of(), null, 0);
    }

    @Test
    void aTokenServiceUpstreamIsPulledWithTheMirrorsCredentialsAndAnonymousTokensForPublicImages() throws Exception {
        try (TestRegistry upstream = upstream("token")) {
            Images.Image secret = Images.push(upstream, "private/app", "1", 1);
            Images.Image open = Images.push(upstream, "public/app", "1", 2);
            Path passwordFile = Files.writeString(dir.resolve("upstream-password"), PASSWORD + "\n");
            try (TestRegistry mirror = Mirrors.of(withCredentials(upstream, "mirror", passwordFile))) {
                assertArrayEquals(secret.manifest(), mirror.given().get("/v2/private/app/manifests/1").then().statusCode(200)
                        .extract().asByteArray());
                mirror.given().get("/v2/private/app/blobs/" + secret.layer()).then().statusCode(200);
                mirror.given().get("/v2/public/app/manifests/1").then().statusCode(200).header("Docker-Content-Digest", open.digest());
            }
            try (TestRegistry anonymous = Mirrors.of(Mirrors.upstream("upstream.test", upstream.baseUrl(), true, "60s"))) {
                anonymous.given().get("/v2/public/app/manifests/1").then().statusCode(200).header("Docker-Content-Digest", open.digest());
                anonymous.given().get("/v2/public/app/blobs/" + open.layer()).then().statusCode(200);
                anonymous.given().get("/v2/private/app/manifests/1").then().statusCode(503).body("errors[0].code", equalTo("UNAVAILABLE"));
            }
        }
    }

    @Test
    void aBasicUpstreamIsPulledWithBasicCredentialsWhichAreNeverLogged() throws Exception {
        try (TestRegistry upstream = upstream("basic")) {
            Images.Image secret = Images.push(upstream, "private/tool", "1", 3);
            Path passwordFile = Files.writeString(dir.resolve("upstream-password"), PASSWORD);
            WharfConfig.Upstream config = withCredentials(upstream, "mirror", passwordFile);
            assertFalse(config.toString().contains(PASSWORD));
            try (TestRegistry mirror = Mirrors.of(config)) {
                mirror.given().get("/v2/private/tool/manifests/1").then().statusCode(200).header("Docker-Content-Digest", secret.digest());
                mirror.given().get("/v2/private/tool/blobs/" + secret.layer()).then().statusCode(200);
            }
        }
    }
}
