package dev.wharf.api;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.Poll;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Abandoned uploads go once they are older than {@code uploads.expiry}. */
class UploadExpiryTest {

    private static TestRegistry startWith(String expiry, String purgeInterval) {
        return TestRegistry.start(cfg -> new WharfConfig(cfg.http(), cfg.storage(),
                new WharfConfig.Uploads(expiry, purgeInterval, cfg.uploads().maxPerRepository(), cfg.uploads().automaticMount()), cfg.manifests(), cfg.auth(), cfg.tls(), cfg.gc()));
    }

    @Test
    void purgeRemovesAnUploadOlderThanTheExpiry() throws IOException {
        // the purge goes by the configured expiry, as the S3 driver's lookups do; long enough for the chunk to go in
        try (TestRegistry registry = startWith("2s", "24h")) {
            String location = Blobs.startUpload(registry, "team/expiring");
            registry.given().body(Blobs.content(10, 1)).patch(location).then().statusCode(202);
            Poll.until("the upload is older than the expiry", () -> {
                try {
                    return registry.server().storage().uploads().purgeAbandoned(java.time.Duration.ofSeconds(2)) > 0;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            registry.given().get(location).then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
        }
    }

    @Test
    void purgeKeepsAnUploadYoungerThanTheExpiry() throws IOException {
        try (TestRegistry registry = startWith("24h", "24h")) {
            String location = Blobs.startUpload(registry, "team/fresh");
            assertTrue(registry.server().storage().uploads().purgeAbandoned(java.time.Duration.ofHours(24)) == 0);
            registry.given().get(location).then().statusCode(204);
        }
    }

    @Test
    void theTimerPurgesAbandonedUploads() {
        try (TestRegistry registry = startWith("1ms", "20ms")) {
            String location = Blobs.startUpload(registry, "team/timed");
            Poll.until("the purge timer removes the upload", () -> registry.given().get(location).statusCode() == 404);
        }
    }
}
