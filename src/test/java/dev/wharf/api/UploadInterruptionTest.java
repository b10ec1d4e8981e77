package dev.wharf.api;

import dev.wharf.testing.Blobs;
import dev.wharf.testing.Poll;
import dev.wharf.testing.RawHttp;
import dev.wharf.testing.RegistryTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Torn requests: a body shorter than announced, or a client that goes away mid-stream. */
class UploadInterruptionTest extends RegistryTest {
    private static final String REPO = "team/torn";

    private static String range(String location) {
        return registry.given().get(location).then().statusCode(204).extract().header("Range");
    }

    /** Starts an upload holding the first 1000 bytes of {@code content}; returns its location. */
    private static String uploadWithFirstKilobyte(byte[] content) {
        String location = Blobs.startUpload(registry, REPO);
        registry.given().contentType("application/octet-stream").header("Content-Range", "0-999")
                .body(Arrays.copyOfRange(content, 0, 1000)).patch(location).then().statusCode(202);
        return location;
    }

    /** The upload is back where it was before the torn request, and still accepts the rest and completes. */
    private static void assertUnchangedAndResumable(String location, byte[] content, int kept) {
        Poll.until("the torn chunk is rolled back", () -> ("0-" + (kept - 1)).equals(range(location)));
        assertFalse(Files.exists(Blobs.file(registry, Blobs.sha256(content))), "nothing visible from a torn upload");
        String digest = Blobs.sha256(content);
        registry.given().contentType("application/octet-stream").header("Content-Range", kept + "-" + (content.length - 1))
                .body(Arrays.copyOfRange(content, kept, content.length))
                .put(location + "?digest=" + digest).then().statusCode(201);
        assertArrayEquals(content, registry.given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200)
                .extract().asByteArray());
    }

    @Test
    void bodyShorterThanItsContentLengthLeavesTheUploadUnchanged() throws IOException {
        byte[] content = Blobs.content(4000, 1);
        String location = uploadWithFirstKilobyte(content);

        RawHttp.sendAndHangUp(registry, "PATCH " + location, Arrays.copyOfRange(content, 1000, 1500),
                "Content-Type: application/octet-stream", "Content-Length: 3000");

        assertUnchangedAndResumable(location, content, 1000);
    }

    @Test
    void clientDisconnectingMidStreamLeavesTheUploadUnchanged() throws IOException {
        byte[] content = Blobs.content(2000, 2);
        String location = uploadWithFirstKilobyte(content);

        // Some MiB, so that parts of the torn body reach the file before the connection drops.
        RawHttp.sendChunkedAndHangUp(registry, "PATCH " + location, Blobs.content(64 * 1024, 3), 96);

        assertUnchangedAndResumable(location, content, 1000);
    }

    @Test
    void tornMonolithicPushLeavesNothingBehind() throws IOException {
        byte[] content = Blobs.content(3000, 4);
        String digest = Blobs.sha256(content);
        long uploadsBefore = uploads();
        RawHttp.sendAndHangUp(registry, "POST /v2/" + REPO + "/blobs/uploads/?digest=" + digest,
                Arrays.copyOfRange(content, 0, 1000), "Content-Type: application/octet-stream", "Content-Length: 3000");
        Poll.until("the torn push's session is dropped", () -> uploads() == uploadsBefore);
        assertFalse(Files.exists(Blobs.file(registry, digest)));
        assertFalse(Files.exists(Blobs.link(registry, REPO, digest)));
        assertEquals(404, registry.given().head("/v2/" + REPO + "/blobs/" + digest).statusCode());
    }

    private static long uploads() {
        try (var list = Files.list(registry.root().resolve("uploads"))) {
            return list.count();
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void finalChunkShorterThanItsContentLengthCompletesNothing() throws IOException {
        byte[] content = Blobs.content(3000, 5);
        String location = uploadWithFirstKilobyte(content);
        RawHttp.sendAndHangUp(registry, "PUT " + location + "?digest=" + Blobs.sha256(content),
                Arrays.copyOfRange(content, 1000, 2000), "Content-Type: application/octet-stream", "Content-Length: 2500");
        assertUnchangedAndResumable(location, content, 1000);
    }
}
