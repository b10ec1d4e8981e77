package dev.wharf.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The webhooks' settings: off by default, the endpoint list with its defaults, and its checks. */
class NotificationsConfigTest {
    @TempDir
    Path dir;

    private WharfConfig load(String yaml, Map<String, String> env) throws IOException {
        return ConfigFiles.load(dir, yaml, env);
    }

    @Test
    void noWebhookIsOnByDefault() throws IOException {
        assertFalse(load("{}\n", Map.of()).notifications().enabled());
        assertFalse(ConfigLoader.defaultsOnly().notifications().enabled());
        assertEquals(WharfConfig.Notifications.NONE, new WharfConfig(null, null, null, null, null, null, null).notifications());
    }

    @Test
    void anEndpointNeedsOnlyAUrlAndTheRestHasDefaults() throws IOException {
        WharfConfig config = load("""
                notifications:
                  endpoints:
                    - url: https://ci.example.com:8443/hooks/wharf
                """, Map.of("WHARF_NOTIFICATIONS_SOURCE", "https://wharf.example.com/"));
        assertEquals("https://wharf.example.com", config.notifications().source());
        WharfConfig.Endpoint endpoint = config.notifications().endpoints().get(0);
        assertEquals("ci.example.com:8443", endpoint.name());
        assertEquals("cloudevents", endpoint.format());
        assertEquals(List.of(), endpoint.events());
        assertEquals(List.of(), endpoint.repositories());
        assertEquals(1000, endpoint.queueSize());
        assertEquals(5, endpoint.maxRetries());
        assertEquals(Duration.ofSeconds(1), endpoint.backoffDuration());
        assertEquals(Duration.ofSeconds(5), endpoint.timeoutDuration());
        assertEquals(Map.of(), endpoint.headers());
    }

    @Test
    void everySettingOfAnEndpointIsRead() throws IOException {
        WharfConfig.Endpoint endpoint = load("""
                notifications:
                  endpoints:
                    - name: audit
                      url: http://audit.internal/events
                      format: distribution
                      secret: not-in-logs
                      events: [push, Delete]
                      repositories: ["team/**", "library/*"]
                      timeout: 2s
                      queueSize: 10
                      maxRetries: 0
                      backoff: 250ms
                      headers: {Authorization: "Bearer x"}
                """, Map.of()).notifications().endpoints().get(0);
        assertEquals("audit", endpoint.name());
        assertEquals("distribution", endpoint.format());
        assertEquals(List.of("push", "delete"), endpoint.events());
        assertEquals(List.of("team/**", "library/*"), endpoint.repositories());
        assertEquals(10, endpoint.queueSize());
        assertEquals(0, endpoint.maxRetries());
        assertEquals(Duration.ofMillis(250), endpoint.backoffDuration());
        assertEquals(Map.of("Authorization", "Bearer x"), endpoint.headers());
        assertFalse(endpoint.toString().contains("not-in-logs"), endpoint.toString());
        assertFalse(endpoint.toString().contains("Bearer"), endpoint.toString());
        assertFalse(endpoint.toString().contains("audit.internal"), endpoint.toString());
    }

    @Test
    void mistakesAreRefusedWhenTheConfigurationLoads() {
        for (String bad : List.of(
                "- {url: ftp://example.com/}",
                "- {name: a}",
                "- {url: 'http://a/', format: xml}",
                "- {url: 'http://a/', events: [pull, tag]}",
                "- {url: 'http://a/', queueSize: 0}",
                "- {url: 'http://a/', maxRetries: -1}",
                "- {url: 'http://a/', timeout: soon}",
                "- {url: 'http://a/', secret: s, secretFile: /f}",
                "- {url: 'http://a/', surprise: true}",
                "- {url: 'http://a/'}\n    - {url: 'http://a/x'}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> load("notifications:\n  endpoints:\n    " + bad + "\n", Map.of()), bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> load("notifications:\n  source: wharf.example.com\n", Map.of()));
    }
}
