package dev.wharf.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connection limits (http.headerTimeout, keepAliveTimeout, bodyTimeout, maxConnections) as configuration. */
class ConnectionLimitsConfigTest {
    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        Path f = dir.resolve("wharf.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void shippedDefaultsAreThoseOfTheShortHttpConstructor() throws IOException {
        WharfConfig.Http loaded = ConfigLoader.load(file("{}\n"), Map.of()).http();
        assertEquals(Duration.ofSeconds(30), loaded.headerTimeoutDuration());
        assertEquals(Duration.ofSeconds(120), loaded.keepAliveTimeoutDuration());
        assertEquals(Duration.ofSeconds(60), loaded.bodyTimeoutDuration());
        assertEquals(1024, loaded.maxConnections());
        WharfConfig.Http shortForm = new WharfConfig.Http(loaded.host(), loaded.port(), loaded.eventLoops(), loaded.shutdownTimeout());
        assertEquals(loaded, shortForm, "the Java defaults and config/wharf.yaml must not drift apart");
    }

    @Test
    void environmentOverridesEachLimit() throws IOException {
        WharfConfig.Http http = ConfigLoader.load(file("{}\n"), Map.of("WHARF_HTTP_HEADER_TIMEOUT", "5s",
                "WHARF_HTTP_KEEP_ALIVE_TIMEOUT", "2m", "WHARF_HTTP_BODY_TIMEOUT", "1500ms", "WHARF_HTTP_MAX_CONNECTIONS", "0")).http();
        assertEquals(Duration.ofSeconds(5), http.headerTimeoutDuration());
        assertEquals(Duration.ofMinutes(2), http.keepAliveTimeoutDuration());
        assertEquals(Duration.ofMillis(1500), http.bodyTimeoutDuration());
        assertEquals(0, http.maxConnections());
    }

    @Test
    void theFileSetsThemToo() throws IOException {
        WharfConfig.Http http = ConfigLoader.load(file("http:\n  headerTimeout: 0s\n  maxConnections: 50\n"), Map.of()).http();
        assertEquals(Duration.ZERO, http.headerTimeoutDuration());
        assertEquals(50, http.maxConnections());
    }

    @Test
    void badValuesAreRefusedWhenLoading() throws IOException {
        Path empty = file("{}\n");
        for (String setting : new String[]{"WHARF_HTTP_HEADER_TIMEOUT", "WHARF_HTTP_KEEP_ALIVE_TIMEOUT", "WHARF_HTTP_BODY_TIMEOUT"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConfigLoader.load(empty, Map.of(setting, "forever")), setting);
            assertTrue(e.getMessage().contains("forever"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(empty, Map.of("WHARF_HTTP_MAX_CONNECTIONS", "-1")));
        assertTrue(e.getMessage().contains("maxConnections"), e.getMessage());
    }
}
