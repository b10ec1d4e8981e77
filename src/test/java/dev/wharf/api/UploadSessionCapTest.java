package dev.wharf.api;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.Poll;
import dev.wharf.testing.TestRegistry;
import dev.wharf.testing.TestStorage;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code uploads.maxPerRepository}: a flood of uploads cannot fill the store with sessions. Past the cap a start is
 * 429 {@code TOOMANYREQUESTS} with {@code Retry-After}; a slot frees when a session finishes, is cancelled or
 * expires. The sessions here hold a chunk each: on the S3 driver a session takes a slot (and any storage) only from
 * its first bytes.
 */
class UploadSessionCapTest {
    private static final int CAP = 3;

    private static TestRegistry startWith(String expiry, String purgeInterval) {
        return TestRegistry.start(cfg -> new WharfConfig(cfg.http(), cfg.storage(),
                new WharfConfig.Uploads(expiry, purgeInterval, CAP, true), cfg.manifests(), cfg.auth(), cfg.tls(), cfg.gc()));
    }

    private static final byte[] CHUNK = Blobs.content(10, 9);

    private static List<String> fill(TestRegistry registry, String repository) {
        List<String> locations = new ArrayList<>();
        for (int i = 0; i < CAP; i++) {
            locations.add(open(registry, repository));
        }
        return locations;
    }

    /** A session holding {@link #CHUNK}; its location. */
    private static String open(TestRegistry registry, String repository) {
        String location = Blobs.startUpload(registry, repository);
        registry.given().contentType("application/octet-stream").body(CHUNK).patch(location).then().statusCode(202);
        return location;
    }

    @Test
    void aStartPastTheCapIs429WithRetryAfterAndTheSpecsBody() {
        try (TestRegistry registry = startWith("24h", "24h")) {
            fill(registry, "cap/full");

            Response refused = registry.given().post("/v2/cap/full/blobs/uploads/");

            assertEquals(429, refused.statusCode());
            refused.then().header("Retry-After", "60").body("errors[0].code", equalTo("TOOMANYREQUESTS"));
            byte[] content = Blobs.content(100, 7);
            if (TestStorage.s3Kind() == null) {
                // on the filesystem a monolithic push opens a session too, and is refused the same way, storing nothing
                registry.given().contentType("application/octet-stream").body(content)
                        .post("/v2/cap/full/blobs/uploads/?digest=" + Blobs.sha256(content)).then().statusCode(429);
                registry.given().head("/v2/cap/full/blobs/" + Blobs.sha256(content)).then().statusCode(404);
            } else {
                // on S3 it goes straight to the blob's key and holds no session, so the cap does not apply
                registry.given().contentType("application/octet-stream").body(Blobs.content(100, 8))
                        .post("/v2/cap/full/blobs/uploads/?digest=" + Blobs.sha256(Blobs.content(100, 8))).then().statusCode(201);
            }
            // other repositories are not held back by this one
            Blobs.startUpload(registry, "cap/other");
            // a mount of a blob already there needs no session and goes through
            Blobs.push(registry, "cap/other", content);
            registry.given().post("/v2/cap/full/blobs/uploads/?mount=" + Blobs.sha256(content) + "&from=cap/other")
                    .then().statusCode(201);
        }
    }

    @Test
    void finishingOrCancellingASessionFreesItsSlot() {
        try (TestRegistry registry = startWith("24h", "24h")) {
            List<String> open = fill(registry, "cap/free");
            registry.given().post("/v2/cap/free/blobs/uploads/").then().statusCode(429);

            registry.given().delete(open.get(0)).then().statusCode(204);
            String again = open(registry, "cap/free");
            registry.given().post("/v2/cap/free/blobs/uploads/").then().statusCode(429);

            registry.given().put(again + "?digest=" + Blobs.sha256(CHUNK)).then().statusCode(201);
            Blobs.startUpload(registry, "cap/free");
        }
    }

    @Test
    void expiredSessionsFreeTheirSlots() {
        // long enough for the chunks to go in: an unwritten S3 session is gone once older than the expiry
        try (TestRegistry registry = startWith("2s", "100ms")) {
            fill(registry, "cap/expiring");
            Poll.until("the purge frees the slots",
                    () -> registry.given().post("/v2/cap/expiring/blobs/uploads/").statusCode() == 202);
        }
    }

    @Test
    void sessionsLeftOverFromAnEarlierRunCountAfterARestart() throws Exception {
        try (TestRegistry registry = startWith("24h", "24h")) {
            fill(registry, "cap/restart");
            registry.stopServer();
            registry.boot();
            registry.given().post("/v2/cap/restart/blobs/uploads/").then().statusCode(429);
        }
    }
}
