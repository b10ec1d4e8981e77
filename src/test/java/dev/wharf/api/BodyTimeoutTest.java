package dev.wharf.api;

import dev.wharf.oci.Digest;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.Poll;
import dev.wharf.testing.RawConnection;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request body that sends nothing for http.bodyTimeout is cut, and the upload it was for survives with what it
 * had before; a response the client is slowly reading is no body the client owes, and is never cut.
 */
class BodyTimeoutTest {
    private static final String REPO = "team/stalled";
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static TestRegistry registry;

    @BeforeAll
    static void start() {
        // Every limit short, so that a download wrongly taken for an idle or stalled connection would be cut.
        registry = TestRegistry.start(c -> c.withHttp(c.http().withConnectionLimits("1s", "1s", "1s", 0)));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static String range(String location) {
        return registry.given().get(location).then().statusCode(204).extract().header("Range");
    }

    @Test
    void aStalledPatchBodyIsCutAndTheUploadKeepsTheBytesBeforeIt() throws IOException {
        byte[] content = Blobs.content(4000, 11);
        String location = Blobs.startUpload(registry, REPO);
        registry.given().contentType("application/octet-stream").header("Content-Range", "0-999")
                .body(Arrays.copyOfRange(content, 0, 1000)).patch(location).then().statusCode(202);

        try (RawConnection connection = RawConnection.open(registry)) {
            connection.send("PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Range: 1000-3999\r\nContent-Length: 3000\r\n\r\n");
            connection.send(Arrays.copyOfRange(content, 1000, 1500));
            Duration took = connection.awaitClosedBy(BOUND);
            assertTrue(took.toMillis() >= TIMEOUT.toMillis() - 100, "cut after only " + took.toMillis() + " ms");
        }

        Poll.until("the cut chunk is rolled back", () -> "0-999".equals(range(location)));
        String digest = Blobs.sha256(content);
        registry.given().contentType("application/octet-stream").header("Content-Range", "1000-3999")
                .body(Arrays.copyOfRange(content, 1000, 4000)).put(location + "?digest=" + digest).then().statusCode(201);
        assertArrayEquals(content, registry.given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200)
                .extract().asByteArray());
    }

    @Test
    void aSlowSteadyDownloadIsNotCut() throws Exception {
        byte[] content = Blobs.content(16 << 20, 12);
        String digest = Blobs.push(registry, REPO, content);

        // A small receive window and a reader that takes 64 KiB every 20 ms: the server is still sending long
        // after every limit has passed, and the client sends nothing all that time.
        try (RawConnection connection = RawConnection.open(registry.port(), 64 << 10)) {
            long start = System.nanoTime();
            connection.get("/v2/" + REPO + "/blobs/" + digest);
            String head = connection.readHead();
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            InputStream in = connection.input();
            byte[] piece = new byte[64 << 10];
            long remaining = content.length;
            while (remaining > 0) {
                int n = in.read(piece, 0, (int) Math.min(piece.length, remaining));
                if (n < 0) {
                    throw new AssertionError("download cut after " + (content.length - remaining) + " of " + content.length
                            + " bytes, " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms in");
                }
                sha256.update(piece, 0, n);
                remaining -= n;
                Thread.sleep(20);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(digest, Digest.of(Digest.Algorithm.SHA256, sha256.digest()).toString());
            assertTrue(took.compareTo(TIMEOUT.multipliedBy(3)) > 0, "the download was over too soon to tell: " + took);
        }
    }
}
