package dev.wharf.gc;

import dev.wharf.config.ConfigLoader;
import dev.wharf.config.WharfConfig;
import dev.wharf.oci.Digest;
import dev.wharf.testing.TestImages;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Garbage collection inside the server: the schedule and the admin endpoint. */
class OnlineGcTest {
    @TempDir
    Path dir;

    @Test
    void theScheduleCollectsAnUnreferencedBlobOnItsOwn() throws InterruptedException {
        try (TestRegistry registry = TestRegistry.start(c -> c.withGc(new WharfConfig.Gc("200ms", "0s", false, List.of())))) {
            Digest blob = new TestImages(registry).pushBlob("online/scheduled", new byte[] {1, 2, 3});
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (registry.server().storage().blobs().exists(blob) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertFalse(registry.server().storage().blobs().exists(blob), "collected within 10 s");
            registry.given().head("/v2/online/scheduled/blobs/" + blob).then().statusCode(404);
        }
    }

    @Test
    void theGcEndpointAnswersOnlyPost() {
        try (TestRegistry registry = TestRegistry.start()) {
            registry.given().get("/_wharf/gc").then().statusCode(404);
            registry.given().post("/_wharf/gc?dryRun").then().statusCode(200);
        }
    }
}
