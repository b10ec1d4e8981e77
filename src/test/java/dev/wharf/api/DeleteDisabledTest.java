package dev.wharf.api;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.Images;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;

/** A registry with {@code storage.deleteEnabled: false}. */
class DeleteDisabledTest {
    private static TestRegistry registry;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start(cfg -> new WharfConfig(cfg.http(),
                new WharfConfig.Storage(cfg.storage().root(), cfg.storage().fsync(), false), cfg.uploads(), cfg.manifests(), cfg.auth(), cfg.tls(), cfg.gc()));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void blobDeleteIs405UnsupportedAndTheBlobStays() {
        String digest = Blobs.push(registry, "team/keep", Blobs.content(100, 1));
        registry.given().delete("/v2/team/keep/blobs/" + digest).then().statusCode(405)
                .body("errors[0].code", equalTo("UNSUPPORTED"));
        registry.given().head("/v2/team/keep/blobs/" + digest).then().statusCode(200);
    }

    @Test
    void manifestDeleteIs405UnsupportedAndTheManifestStays() {
        Images.Image image = Images.push(registry, "team/keep", "v1", 2);
        registry.given().delete("/v2/team/keep/manifests/" + image.digest()).then().statusCode(405)
                .body("errors[0].code", equalTo("UNSUPPORTED"));
        registry.given().delete("/v2/team/keep/manifests/v1").then().statusCode(405);
        registry.given().head("/v2/team/keep/manifests/v1").then().statusCode(200);
    }
}
