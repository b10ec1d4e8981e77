package dev.wharf.observability;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.auth.AuthFixtures;
import dev.wharf.config.WharfConfig;
import dev.wharf.testing.Poll;
import dev.wharf.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthTest {
    @TempDir
    Path dir;

    @Test
    void livezAndReadyzAnswerWithoutCredentialsWhileTheApiAsksForThem() {
        Path htpasswd = AuthFixtures.htpasswd(dir, Map.of("alice", "alice-secret"));
        WharfConfig.Auth auth = AuthFixtures.auth(dir, "auth:\n  htpasswd: " + htpasswd + "\n");
        try (TestRegistry registry = TestRegistry.start(c -> c.withAuth(auth))) {
            registry.given().get("/v2/").then().statusCode(401);
            registry.given().get("/livez").then().statusCode(200).body("status", equalTo("alive"));
            registry.given().get("/readyz").then().statusCode(200).body("status", equalTo("ready"))
                    .body("checks.storage", equalTo("ok"));
        }
    }

    @Test
    void readyzIsNotReadyWhileTheStorageRootCannotBeWrittenAndReadyAgainAfter() throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            registry.given().get("/readyz").then().statusCode(200);
            // tests run as root, whom permissions do not stop: a file where the probe's folder should be does
            Path tmp = registry.server().storage().layout().tmpDir();
            Path aside = tmp.resolveSibling("tmp-aside");
            Files.move(tmp, aside);
            Files.writeString(tmp, "not a folder");
            try {
                Poll.until("readyz turns 503", Duration.ofSeconds(10),
                        () -> registry.given().get("/readyz").statusCode() == 503);
                registry.given().get("/readyz").then().body("status", equalTo("not ready"))
                        .body("checks.storage", org.hamcrest.Matchers.containsString("cannot write"));
                registry.given().get("/livez").then().statusCode(200);
            } finally {
                Files.delete(tmp);
                Files.move(aside, tmp);
            }
            Poll.until("readyz turns 200 again", Duration.ofSeconds(10),
                    () -> registry.given().get("/readyz").statusCode() == 200);
        }
    }

    @Test
    void onShutdownReadyzTurnsNotReadyBeforeTheServerStopsTakingRequests() throws Exception {
        try (TestRegistry registry = TestRegistry.start(c -> c.withObservability(
                new WharfConfig.Observability(true, "", "", "5m", "2s")))) {
            registry.given().get("/readyz").then().statusCode(200);
            int port = registry.port();
            List<Integer> seen = new ArrayList<>();
            AtomicBoolean stopped = new AtomicBoolean();
            Thread stopping = new Thread(() -> {
                registry.stopServer();
                stopped.set(true);
            });
            stopping.start();
            Poll.until("readyz turns 503", Duration.ofSeconds(5), () -> {
                int status = registry.given().get("/readyz").statusCode();
                seen.add(status);
                return status == 503;
            });
            assertTrue(!stopped.get(), "the server was still serving when readyz turned");
            registry.given().get("/readyz").then().body("status", equalTo("draining"));
            registry.given().get("/v2/").then().statusCode(200); // still served during the drain delay
            stopping.join(15_000);
            assertTrue(stopped.get());
            assertEquals(503, seen.get(seen.size() - 1));
        }
    }
}
