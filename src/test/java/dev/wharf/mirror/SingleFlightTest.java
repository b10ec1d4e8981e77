package dev.wharf.mirror;

import dev.wharf.mirror.FaultyUpstream.Kind;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.TestRegistry;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Concurrent clients of one uncached blob share one upstream fetch: four clients pulling a 100 MiB blob cost the
 * upstream exactly one GET (counted at the upstream), and each gets all of its bytes as they arrive.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SingleFlightTest {
    private static final int SIZE = 100 << 20;

    @Test
    void fourClientsOfOneUncachedBlobCostTheUpstreamOneGet() throws Exception {
        try (TestRegistry upstream = TestRegistry.start();
             FaultyUpstream proxy = FaultyUpstream.inFrontOf(upstream.port());
             TestRegistry mirror = Mirrors.of(Mirrors.upstream("upstream.test", proxy.url(), true, "60s"))) {
            byte[] content = Blobs.content(SIZE, 1);
            String digest = Blobs.push(upstream, "library/big", content);
            content = null; // the clients below hash what they get; nothing holds the blob
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            ExecutorService clients = Executors.newFixedThreadPool(4);
            try {
                List<Future<String>> pulls = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    pulls.add(clients.submit(() -> sha256Of(http, mirror.baseUrl() + "/v2/library/big/blobs/" + digest)));
                }
                for (Future<String> pull : pulls) {
                    assertEquals(digest, pull.get(120, TimeUnit.SECONDS));
                }
            } finally {
                clients.shutdownNow();
            }
            assertEquals(1, proxy.count(HttpMethod.GET, Kind.BLOB), "one upstream GET for four clients");
        }
    }

    private static String sha256Of(HttpClient http, String url) throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        try (InputStream body = response.body()) {
            for (int n; (n = body.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }
}
