package dev.wharf.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        Path f = dir.resolve("wharf.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private Path emptyFile() throws IOException {
        return file("{}\n");
    }

    @Test
    void defaultsApplyWhenNothingOverridesThem() throws IOException {
        WharfConfig config = ConfigLoader.load(emptyFile(), Map.of());
        assertEquals(5000, config.http().port());
        assertTrue(config.storage().deleteEnabled());
        assertEquals(Duration.ofHours(24), config.uploads().expiryDuration());
        assertEquals(4 * 1024 * 1024, config.manifests().maxBytes());
    }

    @Test
    void aPullThroughCacheOnTheS3DriverIsRefusedAtLoad() throws IOException {
        Map<String, String> env = Map.of("WHARF_STORAGE_DRIVER", "s3", "WHARF_STORAGE_S3_ENDPOINT", "http://127.0.0.1:9",
                "WHARF_STORAGE_S3_BUCKET", "b", "WHARF_PROXY_UPSTREAM", "http://127.0.0.1:5057");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(emptyFile(), env));
        assertTrue(e.getMessage().contains("storage.driver: filesystem"), e.getMessage());
        Map<String, String> withoutCache = new java.util.HashMap<>(env);
        withoutCache.remove("WHARF_PROXY_UPSTREAM");
        assertTrue(ConfigLoader.load(emptyFile(), withoutCache).storage().isS3());
    }

    @Test
    void observabilitySettingsComeFromTheEnvironmentToo() throws IOException {
        WharfConfig config = ConfigLoader.load(emptyFile(), Map.of("WHARF_OBSERVABILITY_ACCESS_LOG", "stdout",
                "WHARF_OBSERVABILITY_METRICS_ADDRESS", "127.0.0.1:5001", "WHARF_OBSERVABILITY_DRAIN_DELAY", "5s"));
        assertEquals("stdout", config.observability().accessLog());
        assertEquals("127.0.0.1:5001", config.observability().metricsAddress());
        assertEquals(Duration.ofSeconds(5), config.observability().drainDelayDuration());
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(emptyFile(),
                Map.of("WHARF_OBSERVABILITY_METRICS_ADDRESS", "no-port")));
    }

    @Test
    void environmentOverridesPortAndStorageRoot() throws IOException {
        WharfConfig config = ConfigLoader.load(emptyFile(),
                Map.of("WHARF_HTTP_PORT", "5001", "WHARF_STORAGE_ROOT", "/var/lib/wharf"));
        assertEquals(5001, config.http().port());
        assertEquals("/var/lib/wharf", config.storage().root());
    }

    @Test
    void environmentOverridesABooleanAndACamelCaseSetting() throws IOException {
        WharfConfig config = ConfigLoader.load(emptyFile(),
                Map.of("WHARF_STORAGE_DELETE_ENABLED", "false", "WHARF_HTTP_EVENT_LOOPS", "3"));
        assertFalse(config.storage().deleteEnabled());
        assertEquals(3, config.http().eventLoops());
    }

    @Test
    void environmentWinsOverTheFile() throws IOException {
        WharfConfig config = ConfigLoader.load(file("http:\n  port: 6000\n"), Map.of("WHARF_HTTP_PORT", "7000"));
        assertEquals(7000, config.http().port());
        assertEquals(6000, ConfigLoader.load(file("http:\n  port: 6000\n"), Map.of()).http().port());
    }

    @Test
    void unknownKeyInTheFileIsRejectedNamingIt() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(file("http:\n  prot: 6000\n"), Map.of()));
        assertTrue(e.getMessage().contains("prot"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(file("bogus:\n  x: 1\n"), Map.of()));
        assertTrue(e.getMessage().contains("bogus"), e.getMessage());
    }

    @Test
    void badDurationIsRejectedWhenLoading() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(emptyFile(), Map.of("WHARF_UPLOADS_EXPIRY", "soon")));
        assertTrue(e.getMessage().contains("soon"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(file("http:\n  shutdownTimeout: 10 seconds\n"), Map.of()));
    }

    @Test
    void nonNumericPortIsRejected() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(emptyFile(), Map.of("WHARF_HTTP_PORT", "fivethousand")));
        assertTrue(e.getMessage().contains("fivethousand"), e.getMessage());
    }

    @Test
    void durationsReadEveryUnit() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(15), Durations.parse("15m"));
        assertEquals(Duration.ofDays(7), Durations.parse(" 7d "));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("7 days"));
    }

    @Test
    void unknownSettingOfAKnownSectionInTheEnvironmentIsRejectedNamingIt() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(emptyFile(), Map.of("WHARF_HTTP_PROT", "6000")));
        assertTrue(e.getMessage().contains("WHARF_HTTP_PROT"), e.getMessage());
        assertTrue(e.getMessage().contains("WHARF_HTTP_PORT"), "the message lists the real settings: " + e.getMessage());
    }

    @Test
    void variablesOutsideTheSettingsSectionsAreLeftAlone() throws IOException {
        assertEquals(5000, ConfigLoader.load(emptyFile(), Map.of("WHARF_GREETING", "hello", "PATH", "/bin")).http().port());
    }
}
