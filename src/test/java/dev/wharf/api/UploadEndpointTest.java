package dev.wharf.api;

import dev.wharf.testing.Blobs;
import dev.wharf.testing.TestStorage;
import dev.wharf.testing.RegistryTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Arrays;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class UploadEndpointTest extends RegistryTest {
    private static final String REPO = "team/uploads";

    private static byte[] fetch(String repository, String digest) {
        return registry.given().get("/v2/" + repository + "/blobs/" + digest).then().statusCode(200).extract().asByteArray();
    }

    /** The answer says the blob was created where it should be, and the blob reads back as {@code content}. */
    private static void assertCreated(Response response, byte[] content) {
        String digest = Blobs.sha256(content);
        response.then().statusCode(201).header("Location", "/v2/" + REPO + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest);
        assertArrayEquals(content, fetch(REPO, digest));
    }

    private static Response patch(String location, byte[] chunk, String contentRange) {
        var spec = registry.given().contentType("application/octet-stream").body(chunk);
        if (contentRange != null) {
            spec.header("Content-Range", contentRange);
        }
        return spec.patch(location);
    }

    @Test
    void startingAnUploadAnswers202WithLocationUuidAndEmptyRange() {
        registry.given().post("/v2/" + REPO + "/blobs/uploads/").then().statusCode(202)
                .header("Location", startsWith("/v2/" + REPO + "/blobs/uploads/"))
                .header("Docker-Upload-UUID", matchesPattern("[0-9a-f-]{36}"))
                .header("Range", "0-0");
    }

    @Test
    void monolithicPostWithDigestCreatesTheBlob() {
        byte[] content = Blobs.content(1000, 1);
        String digest = Blobs.sha256(content);
        assertCreated(registry.given().body(content).post("/v2/" + REPO + "/blobs/uploads/?digest=" + digest), content);
    }

    @Test
    void chunkedPatchesWithContentRangeThenPutCreateTheBlob() {
        byte[] content = Blobs.content(3000, 2);
        String digest = Blobs.sha256(content);
        String location = Blobs.startUpload(registry, REPO);
        String next = patch(location, Arrays.copyOfRange(content, 0, 1000), "0-999").then().statusCode(202)
                .header("Range", "0-999").header("Location", startsWith("/v2/" + REPO + "/blobs/uploads/"))
                .extract().header("Location");
        next = patch(next, Arrays.copyOfRange(content, 1000, 3000), "1000-2999").then().statusCode(202)
                .header("Range", "0-2999").extract().header("Location");
        assertCreated(registry.given().put(next + "?digest=" + digest), content);
    }

    @Test
    void streamedPatchWithoutContentRangeAppends() {
        byte[] content = Blobs.content(5000, 3);
        String digest = Blobs.sha256(content);
        String location = Blobs.startUpload(registry, REPO);
        patch(location, Arrays.copyOfRange(content, 0, 2000), null).then().statusCode(202).header("Range", "0-1999");
        patch(location, Arrays.copyOfRange(content, 2000, 5000), null).then().statusCode(202).header("Range", "0-4999");
        assertCreated(registry.given().put(location + "?digest=" + digest), content);
    }

    @Test
    void putWithTheFinalChunkCompletesTheUpload() {
        byte[] content = Blobs.content(1500, 4);
        String digest = Blobs.sha256(content);
        String location = Blobs.startUpload(registry, REPO);
        patch(location, Arrays.copyOfRange(content, 0, 1000), "0-999").then().statusCode(202);
        assertCreated(registry.given().contentType("application/octet-stream").header("Content-Range", "1000-1499")
                .body(Arrays.copyOfRange(content, 1000, 1500)).put(location + "?digest=" + digest), content);
    }

    @Test
    void statusOfAnUploadIs204WithItsRange() {
        String location = Blobs.startUpload(registry, REPO);
        patch(location, Blobs.content(10, 5), null).then().statusCode(202);
        registry.given().get(location).then().statusCode(204).header("Range", "0-9")
                .header("Docker-Upload-UUID", matchesPattern("[0-9a-f-]{36}"));
    }

    @Test
    void cancelledUploadIsGone() {
        String location = Blobs.startUpload(registry, REPO);
        registry.given().delete(location).then().statusCode(204);
        registry.given().get(location).then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
        patch(location, Blobs.content(10, 6), null).then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
    }

    @Test
    void unknownOrGarbageUploadIdsAre404() {
        for (String id : new String[]{"00000000-0000-0000-0000-000000000000", "not-a-uuid", "..", "%2e%2e"}) {
            registry.given().get("/v2/" + REPO + "/blobs/uploads/" + id).then().statusCode(404)
                    .body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
        }
    }

    @Test
    void uploadOfAnotherRepositoryIsUnknownHere() {
        String location = Blobs.startUpload(registry, "team/other");
        String id = location.substring(location.lastIndexOf('/') + 1);
        registry.given().get("/v2/" + REPO + "/blobs/uploads/" + id).then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
        patch("/v2/" + REPO + "/blobs/uploads/" + id, Blobs.content(10, 7), null).then().statusCode(404);
        registry.given().get(location).then().statusCode(204).header("Range", "0-0");
    }

    /** An upload holding ten bytes refuses a chunk at {@code range} and keeps its ten bytes. */
    private static void assertChunkRefused(String range, long seed) {
        String location = Blobs.startUpload(registry, REPO);
        patch(location, Blobs.content(10, seed), "0-9").then().statusCode(202);
        patch(location, Blobs.content(10, seed + 1), range).then().statusCode(416);
        registry.given().get(location).then().statusCode(204).header("Range", "0-9");
    }

    @Test
    void chunkOutOfOrderIsRejectedWith416() {
        assertChunkRefused("20-29", 8);
    }

    @Test
    void overlappingChunkIsRejectedWith416() {
        assertChunkRefused("5-14", 10);
    }

    @Test
    void malformedContentRangeIsRejectedWith416() {
        String location = Blobs.startUpload(registry, REPO);
        for (String range : new String[]{"garbage", "9-0", "-5", "0-", "bytes=0-9", "99999999999999999999-1"}) {
            patch(location, Blobs.content(10, 12), range).then().statusCode(416);
        }
        registry.given().get(location).then().statusCode(204).header("Range", "0-0");
    }

    @Test
    void putWithoutDigestIs400() {
        String location = Blobs.startUpload(registry, REPO);
        patch(location, Blobs.content(10, 13), null).then().statusCode(202);
        registry.given().put(location).then().statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
    }

    @Test
    void putWithWrongDigestIsRejectedAndStoresNothing() {
        byte[] content = Blobs.content(100, 14);
        String claimed = Blobs.sha256(Blobs.content(100, 15));
        String location = Blobs.startUpload(registry, REPO);
        patch(location, content, null).then().statusCode(202);
        registry.given().put(location + "?digest=" + claimed).then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
        assertFalse(Files.exists(Blobs.file(registry, claimed)));
        assertFalse(Files.exists(Blobs.file(registry, Blobs.sha256(content))));
        assertFalse(Files.exists(Blobs.link(registry, REPO, claimed)));
        registry.given().head("/v2/" + REPO + "/blobs/" + claimed).then().statusCode(404);
    }

    @Test
    void monolithicPostWithWrongDigestStoresNothing() {
        byte[] content = Blobs.content(100, 16);
        String claimed = Blobs.sha256(Blobs.content(100, 17));
        registry.given().body(content).post("/v2/" + REPO + "/blobs/uploads/?digest=" + claimed).then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
        assertFalse(Files.exists(Blobs.file(registry, claimed)));
        assertFalse(Files.exists(Blobs.file(registry, Blobs.sha256(content))));
        assertFalse(Files.exists(Blobs.link(registry, REPO, claimed)));
    }

    /** The S3 driver keeps only SHA-256's resumable state between requests (as Distribution's): it says so. */
    @Test
    void sha512DigestIsAcceptedExceptForAChunkedUploadOnS3() {
        byte[] content = Blobs.content(700, 18);
        String digest = Blobs.sha512(content);
        if (TestStorage.s3Kind() != null) {
            // the session keeps a resumable SHA-256 only; a chunked upload cannot be finished by sha512
            String location = Blobs.startUpload(registry, REPO);
            patch(location, content, "0-699").then().statusCode(202);
            registry.given().put(location + "?digest=" + digest).then().statusCode(400)
                    .body("errors[0].code", equalTo("UNSUPPORTED"));
            registry.given().head("/v2/" + REPO + "/blobs/" + digest).then().statusCode(404);
        }
        // a monolithic push is hashed in one go, by any algorithm, on both drivers
        registry.given().body(content).post("/v2/" + REPO + "/blobs/uploads/?digest=" + digest).then().statusCode(201)
                .header("Docker-Content-Digest", digest);
        assertArrayEquals(content, fetch(REPO, digest));
    }

    @Test
    void emptyBlobCanBeUploaded() {
        byte[] content = new byte[0];
        String digest = Blobs.sha256(content);
        String location = Blobs.startUpload(registry, REPO);
        registry.given().put(location + "?digest=" + digest).then().statusCode(201);
        registry.given().head("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200).header("Content-Length", "0");
    }

    @Test
    void contentRangeThatDisagreesWithContentLengthIs416() {
        String location = Blobs.startUpload(registry, REPO);
        patch(location, Blobs.content(10, 19), "0-19").then().statusCode(416);
        registry.given().get(location).then().statusCode(204).header("Range", "0-0");
    }

    @Test
    void completedUploadIsNoLongerKnown() {
        byte[] content = Blobs.content(50, 20);
        String location = Blobs.startUpload(registry, REPO);
        patch(location, content, null).then().statusCode(202);
        registry.given().put(location + "?digest=" + Blobs.sha256(content)).then().statusCode(201);
        registry.given().get(location).then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
    }
}
