package dev.wharf.storage.fs;

import dev.wharf.oci.Digest;
import dev.wharf.testing.TestRegistry;
import dev.wharf.testing.TestImages;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A full disk or an I/O error while an upload is written: the client hears a 5xx, the store stays consistent. */
class UploadFaultTest {
    private static final FaultyWriteChannels FAULTS = new FaultyWriteChannels();
    private static TestRegistry registry;
    private static TestImages images;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start(c -> c, FileSeams.DIRECT.withWrites(FAULTS));
        images = new TestImages(registry);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @BeforeEach
    void heal() {
        FAULTS.disarm();
    }

    private static RequestSpecification given() {
        return registry.given();
    }

    private static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void aFullDiskDuringAMonolithicUploadAnswers507AndLeavesNoBlobAndNoSession() throws IOException {
        byte[] content = images.randomBytes(3 << 20);
        FAULTS.arm("No space left on device", 1 << 20);

        Response response = images.tryPushBlob("fault/full", content);

        assertEquals(507, response.statusCode());
        response.then().body("errors[0].message", containsString("disk is full"));
        Digest digest = Digest.sha256(content);
        given().head("/v2/fault/full/blobs/" + digest).then().statusCode(404);
        assertEquals(false, registry.server().storage().blobs().exists(digest));
        assertEquals(0, count(registry.server().storage().layout().uploadsDir()), "the failed session is discarded");
        assertEveryBatchBufferReturned();
    }

    /**
     * A failed write skips the writes queued behind it; their batch buffers must still go back to the pool (a lost
     * one cannot be reused, so the pool makes more, and fewer are idle than were made).
     */
    private static void assertEveryBatchBufferReturned() {
        BatchBuffers buffers = ((FileUploadStore) registry.server().storage().uploads()).batchBuffers();
        assertTrue(buffers.created() > 0, "the upload went through the pool");
        assertEquals(buffers.created(), buffers.idle(), "every batch buffer is back in the pool");
    }

    @Test
    void anIoErrorDuringAChunkRollsTheUploadBackSoTheClientCanResume() {
        byte[] content = images.randomBytes(600_000);
        byte[] first = Arrays.copyOfRange(content, 0, 200_000);
        byte[] second = Arrays.copyOfRange(content, 200_000, content.length);
        String location = given().post("/v2/fault/eio/blobs/uploads/").then().statusCode(202).extract().header("Location");
        given().contentType("application/octet-stream").header("Content-Range", "0-199999").body(first)
                .patch(location).then().statusCode(202);

        FAULTS.arm("Input/output error", 0);
        Response failed = given().contentType("application/octet-stream").header("Content-Range", "200000-599999")
                .body(second).patch(location);
        FAULTS.disarm();

        assertEquals(500, failed.statusCode());
        failed.then().body("errors[0].code", equalTo("UNKNOWN"));
        given().get(location).then().statusCode(204).header("Range", "0-199999");
        given().contentType("application/octet-stream").header("Content-Range", "200000-599999").body(second)
                .patch(location).then().statusCode(202);
        Digest digest = Digest.sha256(content);
        given().put(location + "?digest=" + digest).then().statusCode(201);
        assertArrayEquals(content, given().get("/v2/fault/eio/blobs/" + digest).then().statusCode(200)
                .extract().asByteArray());
    }
}
