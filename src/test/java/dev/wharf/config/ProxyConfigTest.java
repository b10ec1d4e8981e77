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

/** The pull-through cache's settings: the one-variable form for scripts, the full list in the file, and their checks. */
class ProxyConfigTest {
    @TempDir
    Path dir;

    private WharfConfig load(String yaml, Map<String, String> env) throws IOException {
        return ConfigFiles.load(dir, yaml, env);
    }

    @Test
    void theCacheIsOffByDefault() throws IOException {
        assertFalse(load("{}\n", Map.of()).proxy().enabled());
    }

    @Test
    void oneVariableMakesADefaultUpstreamNamedByItsHostAndPort() throws IOException {
        List<WharfConfig.Upstream> all = load("{}\n", Map.of("WHARF_PROXY_UPSTREAM", "http://127.0.0.1:5057")).proxy().all();
        assertEquals(1, all.size());
        assertEquals("127.0.0.1:5057", all.get(0).name());
        assertEquals("127.0.0.1-5057", all.get(0).prefix());
        assertTrue(all.get(0).isDefault());
        assertEquals(Duration.ofSeconds(60), Durations.parse(all.get(0).freshness()));
        assertEquals(Duration.ofSeconds(3), Durations.parse(all.get(0).timeout()));
    }

    @Test
    void theNameVariableNamesItAsClientsKnowIt() throws IOException {
        WharfConfig.Upstream u = load("{}\n", Map.of("WHARF_PROXY_UPSTREAM", "https://registry-1.docker.io",
                "WHARF_PROXY_UPSTREAM_NAME", "docker.io")).proxy().all().get(0);
        assertEquals("docker.io", u.name());
        assertEquals("docker.io", u.prefix());
        assertEquals("https://registry-1.docker.io", u.url());
    }

    @Test
    void upstreamsAreListedInTheFile() throws IOException {
        WharfConfig config = load("""
                proxy:
                  upstreams:
                    - name: docker.io
                      url: https://registry-1.docker.io/
                      default: true
                      username: me
                      passwordFile: /run/secrets/hub
                      freshness: 5m
                      immutableTags: '^v[0-9.]+$'
                      maxIdle: 30d
                      maxBytes: 1000000
                    - url: https://ghcr.io
                      repositories: ["acme/**"]
                """, Map.of());
        List<WharfConfig.Upstream> all = config.proxy().all();
        assertEquals(List.of("docker.io", "ghcr.io"), all.stream().map(WharfConfig.Upstream::name).toList());
        assertEquals("https://registry-1.docker.io", all.get(0).url());
        assertTrue(all.get(0).isDefault());
        assertFalse(all.get(1).isDefault());
        assertEquals(List.of("acme/**"), all.get(1).repositories());
        assertEquals(1000000, all.get(0).maxBytes());
        assertFalse(all.get(0).toString().contains("/run/secrets"), "credentials stay out of logs");
    }

    @Test
    void mistakesAreRefusedWhenTheConfigurationLoads() {
        assertThrows(IllegalArgumentException.class, () -> load("{}\n", Map.of("WHARF_PROXY_UPSTREAM_NAME", "docker.io")));
        assertThrows(IllegalArgumentException.class, () -> load("{}\n", Map.of("WHARF_PROXY_UPSTREAM", "registry-1.docker.io")));
        assertThrows(IllegalArgumentException.class, () -> load("proxy:\n  upstreams:\n    - url: http://a\n      fresness: 1s\n", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> load("proxy:\n  upstreams:\n    - url: http://a\n      freshness: soon\n", Map.of()));
    }
}
