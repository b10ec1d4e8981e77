package dev.wharf.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.wharf.config.WharfConfig;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordCheckOffEventLoopTest {
    @TempDir
    Path dir;

    @Test
    void aSlowPasswordCheckDoesNotHoldUpOtherRequestsOnTheOnlyEventLoop() throws Exception {
        // cost 13: about a second of bcrypt, long enough to see whether the event loop waits for it
        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(htpasswd, "slow:" + BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(13, "pw".toCharArray()) + "\n");
        WharfConfig.Auth auth = AuthFixtures.auth(dir, "auth:\n  htpasswd: " + htpasswd + "\n");
        try (TestRegistry registry = TestRegistry.start(c -> new WharfConfig(new WharfConfig.Http("127.0.0.1", 0, 1, "5s"),
                c.storage(), c.uploads(), c.manifests(), auth, c.tls(), c.gc()))) {
            registry.given().get("/v2/").then().statusCode(401); // warms up the HTTP client, whose first call is slow
            CompletableFuture<Integer> slowLogin = CompletableFuture.supplyAsync(() ->
                    registry.given().auth().preemptive().basic("slow", "pw").get("/v2/").statusCode());
            Thread.sleep(200);
            long start = System.nanoTime();
            registry.given().get("/v2/").then().statusCode(401);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertFalse(slowLogin.isDone(), "the bcrypt check should still be running");
            assertTrue(millis < 700, "an unrelated request waited " + millis + " ms");
            assertEquals(200, slowLogin.get(30, TimeUnit.SECONDS));
        }
    }
}
