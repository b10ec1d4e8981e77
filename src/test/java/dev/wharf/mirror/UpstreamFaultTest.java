package dev.wharf.mirror;

import dev.wharf.mirror.FaultyUpstream.Fault;
import dev.wharf.mirror.FaultyUpstream.Kind;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.Images;
import dev.wharf.testing.Poll;
import dev.wharf.testing.TestRegistry;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mirror while its upstream misbehaves: hangs (accepts, never answers), answers 503 or 429, cuts a blob in
 * the middle, sends wrong bytes, or trickles. A cached tag is still served (stale) within the revalidation timeout;
 * what is not cached fails with the spec's codes; a broken blob is never stored, and the next pull starts afresh.
 * Every test is bounded: a client left waiting on a fill that never ends must fail the test, not hang the build.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UpstreamFaultTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static TestRegistry upstream;
    private static FaultyUpstream proxy;
    private static TestRegistry mirror;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestRegistry.start();
        proxy = FaultyUpstream.inFrontOf(upstream.port());
        // freshness 0s: every pull of a tag revalidates, so every pull meets the fault; timeout 1s
        mirror = Mirrors.of(Mirrors.upstream("upstream.test", proxy.url(), true, "0s"));
    }

    @AfterAll
    static void stop() throws Exception {
        mirror.close();
        proxy.close();
        upstream.close();
    }

    @BeforeEach
    void heal() {
        proxy.heal();
        proxy.resetCounts();
    }

    @Test
    void aCachedTagIsServedStaleWithinTheTimeoutWhileTheUpstreamHangs503sOr429s() {
        Images.Image image = Images.push(upstream, "library/steady", "latest", 1);
        mirror.given().get("/v2/library/steady/manifests/latest").then().statusCode(200);
        for (Fault fault : List.of(Fault.HANG, Fault.UNAVAILABLE, Fault.RATE_LIMITED)) {
            proxy.fault(Kind.MANIFEST, fault);
            long started = System.nanoTime();
            mirror.given().get("/v2/library/steady/manifests/latest").then().statusCode(200)
                    .header("Docker-Content-Digest", image.digest());
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 4000, fault + ": served in " + millis + " ms, not after the 1 s timeout");
        }
    }

    @Test
    void anUncachedManifestIs503WhileTheUpstreamIsDownAnd429WithItsRetryAfterWhileItRateLimits() {
        Images.push(upstream, "library/unlucky", "latest", 2);
        proxy.fault(Kind.MANIFEST, Fault.UNAVAILABLE);
        mirror.given().get("/v2/library/unlucky/manifests/latest").then().statusCode(503).body("errors[0].code", equalTo("UNAVAILABLE"));
        proxy.fault(Kind.MANIFEST, Fault.RATE_LIMITED);
        mirror.given().get("/v2/library/unlucky/manifests/latest").then().statusCode(429).header("Retry-After", "7")
                .body("errors[0].code", equalTo("TOOMANYREQUESTS"));
        proxy.heal();
        mirror.given().get("/v2/library/unlucky/manifests/latest").then().statusCode(200);
    }

    @Test
    void aBlobCutInTheMiddleIsNeverStoredAndTheNextPullFetchesItWhole() throws Exception {
        assertBrokenFillLeavesNothing(Fault.CUT_BODY, "library/cut", 3);
    }

    @Test
    void aBlobWithWrongBytesIsNeverStoredNorSentWhole() throws Exception {
        assertBrokenFillLeavesNothing(Fault.WRONG_BYTES, "library/wrong", 4);
    }

    /**
     * Under {@code fault} the client gets no whole blob and nothing is stored; healed, the next pull fetches the blob
     * afresh (a second upstream GET) and whole.
     */
    private static void assertBrokenFillLeavesNothing(Fault fault, String repository, long seed) throws Exception {
        byte[] content = Blobs.content(1 << 20, seed);
        String digest = Blobs.push(upstream, repository, content);
        proxy.fault(Kind.BLOB, fault);
        assertShortOrFailed(digest, repository, content.length);
        assertNotStored(digest);
        proxy.heal();
        assertArrayEquals(content, mirror.given().get("/v2/" + repository + "/blobs/" + digest).then().statusCode(200).extract().asByteArray());
        assertEquals(2, proxy.count(HttpMethod.GET, Kind.BLOB), "the failed fill left nothing behind: a second fetch");
    }

    @Test
    void aSlowUpstreamsBlobReachesTheClientAsItArrives() throws Exception {
        byte[] content = Blobs.content(300 * 1024, 5);
        String digest = Blobs.push(upstream, "library/slow", content);
        proxy.fault(Kind.BLOB, Fault.SLOW);
        long started = System.nanoTime();
        HttpResponse<InputStream> response = HTTP.send(get("library/slow", digest), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            assertEquals(200, response.statusCode());
            assertTrue(body.read() >= 0);
            long firstByte = (System.nanoTime() - started) / 1_000_000;
            assertTrue(firstByte < 1500, "the first byte came after " + firstByte + " ms of a 3 s transfer");
            byte[] rest = body.readAllBytes();
            assertEquals(content.length - 1, rest.length);
        }
    }

    @Test
    void aClientThatLeavesDoesNotCancelTheFill() throws Exception {
        byte[] content = Blobs.content(300 * 1024, 6);
        String digest = Blobs.push(upstream, "library/left", content);
        proxy.fault(Kind.BLOB, Fault.SLOW);
        HttpResponse<InputStream> response = HTTP.send(get("library/left", digest), HttpResponse.BodyHandlers.ofInputStream());
        response.body().read();
        response.body().close();
        Poll.until("the fill completes without its client", Duration.ofSeconds(15), () -> Files.exists(Blobs.file(mirror, digest)));
        assertArrayEquals(content, Files.readAllBytes(Blobs.file(mirror, digest)));
    }

    private static HttpRequest get(String repository, String digest) {
        return HttpRequest.newBuilder(URI.create(mirror.baseUrl() + "/v2/" + repository + "/blobs/" + digest))
                .timeout(Duration.ofSeconds(20)).build();
    }

    /** The client gets fewer bytes than the blob has (the connection is cut), or an error status. */
    private static void assertShortOrFailed(String digest, String repository, int size) throws Exception {
        HttpResponse<InputStream> response = HTTP.send(get(repository, digest), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            return;
        }
        try (InputStream body = response.body()) {
            assertThrows(IOException.class, () -> {
                byte[] got = body.readAllBytes();
                if (got.length < size) {
                    throw new IOException("short: " + got.length);
                }
            }, "a whole body was sent for a broken fill");
        }
    }

    private static void assertNotStored(String digest) throws Exception {
        // the fill fails once the upstream's answer ends; give it a moment to clean up
        Thread.sleep(300);
        assertFalse(Files.exists(Blobs.file(mirror, digest)), "a broken blob must not be stored");
    }
}
