package dev.wharf.api;

import dev.wharf.testing.Blobs;
import dev.wharf.testing.RegistryTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Arrays;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlobEndpointTest extends RegistryTest {
    private static final String REPO = "team/blobs";

    /** Fetches a pushed blob with {@code method}, checks the headers every answer carries, returns the body. */
    private static byte[] fetch(String method, byte[] content) {
        String digest = Blobs.push(registry, REPO, content);
        return registry.given().request(method, "/v2/" + REPO + "/blobs/" + digest).then().statusCode(200)
                .header("Content-Length", String.valueOf(content.length)).header("Docker-Content-Digest", digest)
                .header("ETag", "\"" + digest + "\"").extract().asByteArray();
    }

    @Test
    void getAnswersTheExactBytesWithDigestLengthAndEtag() {
        byte[] content = Blobs.content(10_000, 1);
        assertArrayEquals(content, fetch("GET", content));
    }

    @Test
    void headAnswersTheHeadersWithoutABody() {
        assertEquals(0, fetch("HEAD", Blobs.content(123, 2)).length);
    }

    @Test
    void rangeRequestAnswers206WithThatSlice() {
        byte[] content = Blobs.content(1000, 3);
        String digest = Blobs.push(registry, REPO, content);
        byte[] body = registry.given().header("Range", "bytes=100-199").get("/v2/" + REPO + "/blobs/" + digest)
                .then().statusCode(206).header("Content-Range", "bytes 100-199/1000").header("Content-Length", "100")
                .extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(content, 100, 200), body);
        body = registry.given().header("Range", "bytes=900-").get("/v2/" + REPO + "/blobs/" + digest)
                .then().statusCode(206).header("Content-Range", "bytes 900-999/1000").extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(content, 900, 1000), body);
    }

    @Test
    void suffixRangeAnswersTheLastBytes() {
        byte[] content = Blobs.content(1000, 4);
        String digest = Blobs.push(registry, REPO, content);
        byte[] body = registry.given().header("Range", "bytes=-10").get("/v2/" + REPO + "/blobs/" + digest)
                .then().statusCode(206).header("Content-Range", "bytes 990-999/1000").extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(content, 990, 1000), body);
    }

    @Test
    void unsatisfiableRangeIs416() {
        String digest = Blobs.push(registry, REPO, Blobs.content(1000, 5));
        registry.given().header("Range", "bytes=1000-").get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(416);
        registry.given().header("Range", "bytes=-0").get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(416);
    }

    @Test
    void blobOfAnotherRepositoryIsUnknownHere() {
        String digest = Blobs.push(registry, "team/elsewhere", Blobs.content(100, 6));
        registry.given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UNKNOWN"));
        registry.given().head("/v2/" + REPO + "/blobs/" + digest).then().statusCode(404);
    }

    @Test
    void unknownBlobIs404() {
        registry.given().get("/v2/" + REPO + "/blobs/" + Blobs.sha256(Blobs.content(10, 7))).then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UNKNOWN"));
    }

    @Tag("filesystem-layout") // looks at files under the storage root
    @Test
    void deletedBlobIsGoneFromThatRepositoryOnly() {
        byte[] content = Blobs.content(100, 8);
        String digest = Blobs.push(registry, REPO, content);
        Blobs.push(registry, "team/keeper", content);
        registry.given().delete("/v2/" + REPO + "/blobs/" + digest).then().statusCode(202);
        registry.given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UNKNOWN"));
        registry.given().delete("/v2/" + REPO + "/blobs/" + digest).then().statusCode(404);
        registry.given().get("/v2/team/keeper/blobs/" + digest).then().statusCode(200);
        assertTrue(Files.exists(Blobs.file(registry, digest)));
    }
}
