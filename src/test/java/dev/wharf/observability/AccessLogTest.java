package dev.wharf.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.auth.AuthFixtures;
import dev.wharf.config.WharfConfig;
import dev.wharf.testing.TestImages;
import dev.wharf.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static List<JsonNode> lines(Path log) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            all.add(JSON.readTree(line));
        }
        return all;
    }

    @Test
    void aPushWritesOneLinePerRequestWithItsFieldsAndNoSecret() throws Exception {
        Path log = dir.resolve("logs/access.jsonl");
        String password = "alice-very-secret-password";
        Path htpasswd = AuthFixtures.htpasswd(dir, Map.of("alice", password));
        WharfConfig.Auth auth = AuthFixtures.auth(dir, "auth:\n  htpasswd: " + htpasswd + "\n  mode: token\n");
        TestImages.Image image;
        String offeredId = "build-42.step-7";
        String token;
        try (TestRegistry registry = TestRegistry.start(c -> c.withAuth(auth)
                .withObservability(new WharfConfig.Observability(true, "", log.toString(), "5m", "0s")))) {
            registry.signedInAs("alice", password);
            image = new TestImages(registry).pushImage("team/app", "v1", new byte[] {1, 2, 3});
            registry.given().header("X-Request-Id", offeredId).get("/v2/team/app/manifests/v1").then().statusCode(200)
                    .header("X-Request-Id", offeredId);
            String generated = registry.given().header("X-Request-Id", "bad id\r\nwith spaces").get("/v2/").then()
                    .statusCode(200).extract().header("X-Request-Id");
            assertTrue(generated.matches("[0-9a-f-]{36}"), "a refused id is replaced by a new one: " + generated);
            token = registry.given().get("/token").then().statusCode(200).extract().path("token");
            assertNotNull(token);
            // a token in a header and in a query string: neither may reach the log
            io.restassured.RestAssured.given().baseUri("http://127.0.0.1").port(registry.port())
                    .header("Authorization", "Bearer " + token).get("/v2/team/app/tags/list?n=10&last=" + token);
        } // stopping the server flushes the log

        List<JsonNode> entries = lines(log);
        JsonNode put = entries.stream().filter(e -> e.path("route").asText().equals("manifest")
                && e.path("method").asText().equals("PUT")).findFirst().orElseThrow();
        assertEquals("alice", put.path("user").asText());
        assertEquals("team/app", put.path("repository").asText());
        assertEquals("v1", put.path("reference").asText());
        assertEquals(201, put.path("status").asInt());
        assertEquals(image.manifestBytes().length, put.path("bytesIn").asLong());
        assertEquals("127.0.0.1", put.path("client").asText());
        assertTrue(put.path("durationMs").asDouble() >= 0);
        assertNotNull(put.get("time"));
        assertTrue(put.path("requestId").asText().length() > 0);
        JsonNode get = entries.stream().filter(e -> e.path("requestId").asText().equals(offeredId)).findFirst().orElseThrow();
        assertEquals("GET", get.path("method").asText());
        assertTrue(get.path("bytesOut").asLong() >= image.manifestBytes().length);
        assertTrue(entries.stream().anyMatch(e -> e.path("route").asText().startsWith("upload")), "the layer's upload has its line");

        String text = Files.readString(log);
        assertFalse(text.contains(password), "the password is in the access log");
        assertFalse(text.contains(token), "the token is in the access log");
        assertFalse(text.contains("Basic "), "an Authorization header is in the access log");
    }
}
