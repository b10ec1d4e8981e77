package dev.wharf.gc;

import dev.wharf.config.ConfigLoader;
import dev.wharf.config.WharfConfig;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

class AdminEndpointTest {
    @TempDir
    Path dir;

    @Test
    void theGcEndpointIsNotServedWhileAuthenticationIsOn() throws IOException {
        Path htpasswd = Files.writeString(dir.resolve("htpasswd"), "");
        Path yaml = Files.writeString(dir.resolve("wharf.yaml"), "auth:\n  htpasswd: " + htpasswd + "\n");
        WharfConfig.Auth auth = ConfigLoader.load(yaml, Map.of()).auth();
        try (TestRegistry registry = TestRegistry.start(c -> c.withAuth(auth))) {
            registry.given().post("/_wharf/gc").then().statusCode(404);
            registry.given().get("/v2/").then().statusCode(401);
        }
    }

    @Test
    void theGcEndpointAnswersOnlyPost() {
        try (TestRegistry registry = TestRegistry.start()) {
            registry.given().get("/_wharf/gc").then().statusCode(404);
            registry.given().post("/_wharf/gc?dryRun").then().statusCode(200);
        }
    }
}
