package dev.wharf.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wharf.config.WharfConfig;
import dev.wharf.storage.s3.S3Server;
import dev.wharf.testing.TestRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas over one bucket sign tokens with one generated key (kept in the bucket): a token that one replica
 * issued is good on the next, as a client behind a load balancer needs.
 */
class SharedTokenKeyTest {
    private static final String SERVICE = "wharf-replicas";
    @TempDir
    Path dir;
    private final List<TestRegistry> replicas = new ArrayList<>();

    @AfterEach
    void stop() {
        replicas.forEach(TestRegistry::close);
    }

    private TestRegistry replica(S3Server server, String bucket, WharfConfig.Auth auth) {
        TestRegistry registry = TestRegistry.start(c -> c.withAuth(auth).withStorage(new WharfConfig.Storage(c.storage().root(), true,
                true, WharfConfig.Storage.S3_DRIVER, new WharfConfig.S3(server.endpoint(), server.region(), bucket, "", true,
                server.accessKey(), server.secretKey(), "", false, "20m", "1s", "5MiB", "1s"))));
        replicas.add(registry);
        return registry;
    }

    @Test
    void aTokenIssuedByOneReplicaIsAcceptedByAnotherOnTheSameBucket() {
        S3Server server = S3Server.shared(S3Server.Kind.S3MOCK);
        String bucket = "tokens-" + ProcessHandle.current().pid();
        server.createBucket(bucket);
        Path htpasswd = AuthFixtures.htpasswd(dir, BasicAuthTest.PASSWORDS);
        WharfConfig.Auth auth = AuthFixtures.auth(dir, BasicAuthTest.authYaml(htpasswd, """
                  mode: token
                  token:
                    service: %s
                    issuer: replicas
                """.formatted(SERVICE)));
        TestRegistry a = replica(server, bucket, auth);
        TestRegistry b = replica(server, bucket, auth);
        String user = BasicAuthTest.PASSWORDS.keySet().iterator().next();
        String token = a.given().auth().preemptive().basic(user, BasicAuthTest.PASSWORDS.get(user)).queryParam("service", SERVICE)
                .get("/token").then().statusCode(200).extract().jsonPath().getString("token");
        assertEquals(200, b.given().header("Authorization", "Bearer " + token).get("/v2/").statusCode(),
                "a token of replica A on replica B");
        assertEquals(401, b.given().header("Authorization", "Bearer " + token + "x").get("/v2/").statusCode(),
                "a token with a broken signature is still refused");
    }
}
