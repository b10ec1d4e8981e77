package dev.wharf.replicas;

import dev.wharf.oci.Digest;
import dev.wharf.testing.Poll;
import dev.wharf.testing.TestImages;
import dev.wharf.testing.TestImages.Image;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one replica writes, the others read: an upload whose requests each hit another replica, and tags moved or
 * deleted on one replica, seen by the others within their cache's TTL (plus a second for the requests themselves).
 */
class ReplicaConsistencyTest {
    private static final Duration SEEN_WITHIN = Replicas.CACHE_TTL.plusSeconds(1);
    private static Replicas replicas;

    @BeforeAll
    static void start() {
        replicas = Replicas.start(3);
    }

    @AfterAll
    static void stop() {
        if (replicas != null) {
            replicas.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aChunkedUploadSpreadOverThreeReplicasGivesOneBlobEveryReplicaServes() {
        // below S3's 5 MiB minimum part each, more than 5 MiB (and more than the 8 MiB part size) together
        int[] chunks = {3 * 1024 * 1024 + 17, 1024 * 1024, 4 * 1024 * 1024 - 3, 2 * 1024 * 1024 + 5, 333};
        Random random = new Random(7);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        String repository = "chunked/blob";

        Response started = replicas.given(0).post("/v2/" + repository + "/blobs/uploads/");
        assertEquals(202, started.statusCode(), started.asString());
        String location = started.header("Location");
        long offset = 0;
        for (int c = 0; c < chunks.length; c++) {
            int replica = (c + 1) % 3; // B, C, A, B, C: never the replica of the request before
            byte[] chunk = new byte[chunks[c]];
            random.nextBytes(chunk);
            whole.writeBytes(chunk);
            Response patched = replicas.given(replica).contentType("application/octet-stream")
                    .header("Content-Range", offset + "-" + (offset + chunk.length - 1)).body(chunk).patch(location);
            assertEquals(202, patched.statusCode(), "chunk " + c + " on replica " + replica + ": " + patched.asString()
                    + "\n" + replicas.logTail(replica));
            offset += chunk.length;
            assertEquals("0-" + (offset - 1), patched.header("Range"), "chunk " + c + ": the upload's size so far");
            location = patched.header("Location");
            Response status = replicas.given((replica + 1) % 3).get(location);
            assertEquals(204, status.statusCode(), "upload status on the next replica: " + status.asString());
            assertEquals("0-" + (offset - 1), status.header("Range"), "the next replica sees every byte so far");
        }
        byte[] content = whole.toByteArray();
        String digest = Digest.sha256(content).toString();
        Response done = replicas.given(2).put(location + (location.contains("?") ? "&" : "?") + "digest=" + digest);
        assertEquals(201, done.statusCode(), done.asString() + "\n" + replicas.logTail(2));
        assertEquals(digest, done.header("Docker-Content-Digest"));

        for (int i = 0; i < 3; i++) {
            Response head = replicas.given(i).head("/v2/" + repository + "/blobs/" + digest);
            assertEquals(200, head.statusCode(), "HEAD on replica " + i);
            assertEquals(String.valueOf(content.length), head.header("Content-Length"), "HEAD on replica " + i);
            assertEquals(digest, head.header("Docker-Content-Digest"), "HEAD on replica " + i);
            Response get = replicas.given(i).get("/v2/" + repository + "/blobs/" + digest);
            assertEquals(200, get.statusCode(), "GET on replica " + i);
            assertEquals(digest, get.header("Docker-Content-Digest"), "GET on replica " + i);
            assertArrayEquals(content, get.asByteArray(), "the bytes replica " + i + " serves");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTagMovedOnOneReplicaIsReadAsTheNewDigestByTheOthersWithinTheCacheTtl() {
        String repository = "tags/moving";
        TestImages onA = new TestImages(() -> replicas.given(0), 1);
        Image first = onA.pushImage(repository, "stable", onA.randomBytes(2048));
        // B and C read the tag, so that their caches hold the first digest when it moves
        for (int i = 1; i < 3; i++) {
            int replica = i;
            Poll.until("replica " + i + " reads the first push", SEEN_WITHIN,
                    () -> first.manifest().toString().equals(tagDigest(replica, repository, "stable")));
            assertEquals(first.manifest().toString(), tagDigest(i, repository, "stable"));
        }
        Image second = onA.pushImage(repository, "stable", onA.randomBytes(2048));
        long movedAt = System.nanoTime();
        assertNotEquals(first.manifest(), second.manifest());
        assertEquals(second.manifest().toString(), tagDigest(0, repository, "stable"), "replica A sees its own write at once");
        for (int i = 1; i < 3; i++) {
            int replica = i;
            Poll.until("replica " + i + " reads the moved tag", remaining(movedAt),
                    () -> second.manifest().toString().equals(tagDigest(replica, repository, "stable")));
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - movedAt).compareTo(SEEN_WITHIN) <= 0);
        for (int i = 1; i < 3; i++) {
            assertEquals(second.manifest().toString(), tagDigest(i, repository, "stable"), "replica " + i + " does not go back");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTagDeletedOnOneReplicaIsGoneFromTheOthersWithinTheCacheTtl() {
        String repository = "tags/deleted";
        TestImages onA = new TestImages(() -> replicas.given(0), 2);
        Image image = onA.pushImage(repository, "doomed", onA.randomBytes(1024));
        onA.pushImage(repository, "kept", onA.randomBytes(1024));
        for (int i = 1; i < 3; i++) {
            int replica = i;
            Poll.until("replica " + i + " reads the tag", SEEN_WITHIN,
                    () -> image.manifest().toString().equals(tagDigest(replica, repository, "doomed"))
                            && tags(replica, repository).contains("doomed"));
        }
        Response deleted = replicas.given(0).delete("/v2/" + repository + "/manifests/doomed");
        assertEquals(202, deleted.statusCode(), deleted.asString());
        long deletedAt = System.nanoTime();
        assertEquals(404, replicas.given(0).accept(TestImages.OCI_MANIFEST).get("/v2/" + repository + "/manifests/doomed")
                .statusCode(), "replica A sees its own delete at once");
        for (int i = 1; i < 3; i++) {
            int replica = i;
            Poll.until("replica " + i + " no longer has the tag", remaining(deletedAt),
                    () -> tagDigest(replica, repository, "doomed") == null && !tags(replica, repository).contains("doomed"));
            assertEquals(List.of("kept"), tags(i, repository), "replica " + i + " keeps the other tag");
            assertEquals(200, replicas.given(i).accept(TestImages.OCI_MANIFEST)
                    .get("/v2/" + repository + "/manifests/" + image.manifest()).statusCode(),
                    "deleting a tag leaves its manifest, by digest, on replica " + i);
        }
    }

    private static Duration remaining(long since) {
        Duration left = SEEN_WITHIN.minusNanos(System.nanoTime() - since);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** The digest replica {@code i} answers for {@code repository:tag}, or null on 404. */
    private static String tagDigest(int i, String repository, String tag) {
        Response r = replicas.given(i).accept(TestImages.OCI_MANIFEST).get("/v2/" + repository + "/manifests/" + tag);
        if (r.statusCode() == 404) {
            return null;
        }
        assertEquals(200, r.statusCode(), r.asString());
        String digest = Digest.sha256(r.asByteArray()).toString();
        assertEquals(digest, r.header("Docker-Content-Digest"));
        return digest;
    }

    private static List<String> tags(int i, String repository) {
        Response r = replicas.given(i).get("/v2/" + repository + "/tags/list");
        if (r.statusCode() == 404) {
            return List.of();
        }
        assertEquals(200, r.statusCode(), r.asString());
        List<String> tags = r.jsonPath().getList("tags", String.class);
        return tags == null ? List.of() : tags.stream().sorted().toList();
    }

}
