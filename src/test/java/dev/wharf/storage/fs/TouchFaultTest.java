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

import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicReference;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A blob whose time cannot be refreshed (a file of another owner, a read-only mount) is not protected from
 * garbage collection, so whatever relies on the refresh fails loudly instead of recording a reference that the
 * next sweep could pull from under it: the client hears a 500 with the spec's body and nothing is half-stored.
 */
class TouchFaultTest {
    /** What the next touch throws; null: touches work. */
    private static final AtomicReference<RuntimeException> UNCHECKED = new AtomicReference<>();
    private static volatile boolean denied;
    private static TestRegistry registry;
    private static TestImages images;

    @BeforeAll
    static void start() {
        FileTimes faulty = (file, time) -> {
            if (UNCHECKED.get() != null) {
                throw UNCHECKED.get();
            }
            if (denied) {
                throw new AccessDeniedException(file.toString(), null, "Operation not permitted");
            }
            Files.setLastModifiedTime(file, time);
        };
        registry = TestRegistry.start(c -> c, FileSeams.DIRECT.withTimes(faulty));
        images = new TestImages(registry);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @BeforeEach
    void heal() {
        denied = false;
        UNCHECKED.set(null);
    }

    private static RequestSpecification given() {
        return registry.given();
    }

    /** The same image's manifest with an annotation, so it is new content over blobs the repository holds. */
    private static byte[] anotherManifestOver(TestImages.Image image) {
        String json = new String(image.manifestBytes(), StandardCharsets.UTF_8);
        return ("{\"annotations\":{\"touch\":\"test\"}," + json.substring(1)).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aManifestPushWhoseBlobsCannotBeTouchedFailsAndStoresNoManifestAndNoTag() {
        TestImages.Image image = images.pushImage("touch/push", "v1", images.randomBytes(1000));
        byte[] manifest = anotherManifestOver(image);
        Digest digest = Digest.sha256(manifest);

        denied = true;
        Response response = images.tryPushManifest("touch/push", "v2", TestImages.OCI_MANIFEST, manifest);
        denied = false;

        assertEquals(500, response.statusCode());
        response.then().body("errors[0].code", equalTo("UNKNOWN"));
        given().get("/v2/touch/push/manifests/v2").then().statusCode(404).body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        given().head("/v2/touch/push/manifests/" + digest).then().statusCode(404);
        given().get("/v2/touch/push/tags/list").then().statusCode(200).body("tags", equalTo(java.util.List.of("v1")));
        // healed, the same push goes through
        images.tryPushManifest("touch/push", "v2", TestImages.OCI_MANIFEST, manifest).then().statusCode(201);
    }

    @Test
    void aMountOfABlobThatCannotBeTouchedFailsAndLinksNothing() {
        Digest blob = images.pushBlob("touch/source", images.randomBytes(2000));

        denied = true;
        Response response = given().post("/v2/touch/target/blobs/uploads/?mount=" + blob + "&from=touch/source");
        denied = false;

        assertEquals(500, response.statusCode());
        response.then().body("errors[0].code", equalTo("UNKNOWN"));
        given().head("/v2/touch/target/blobs/" + blob).then().statusCode(404);
    }

    @Test
    void anUnexpectedFailureDeepInTheServiceStillGetsTheSpecsErrorBody() {
        TestImages.Image image = images.pushImage("touch/bug", "v1", images.randomBytes(500));

        UNCHECKED.set(new IllegalStateException("a bug"));
        Response response = given().contentType(TestImages.OCI_MANIFEST).body(anotherManifestOver(image))
                .put("/v2/touch/bug/manifests/v2");
        UNCHECKED.set(null);

        assertEquals(500, response.statusCode());
        response.then().contentType("application/json").body("errors[0].code", equalTo("UNKNOWN"))
                .body("errors[0].message", equalTo("internal error: IllegalStateException"));
    }
}
