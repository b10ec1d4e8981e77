package dev.wharf.api;

import dev.wharf.testing.RegistryTest;
import dev.wharf.testing.TestImages;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;

/**
 * A manifest reference that is neither a tag nor a digest: nothing can exist under it, so a read is 404
 * {@code MANIFEST_UNKNOWN} (as the conformance suite and Distribution expect), while a push to it is 400
 * {@code TAG_INVALID} and a malformed digest stays {@code DIGEST_INVALID}.
 */
class ManifestReferenceTest extends RegistryTest {

    @Test
    void aGetOrHeadOfAReferenceNoTagCanHaveIs404ManifestUnknown() {
        TestImages images = new TestImages(registry);
        images.pushImage("refs/app", "v1", images.randomBytes(100));
        registry.given().get("/v2/refs/app/manifests/.INVALID_MANIFEST_NAME").then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        registry.given().head("/v2/refs/app/manifests/.INVALID_MANIFEST_NAME").then().statusCode(404);
        registry.given().get("/v2/refs/app/manifests/" + "a".repeat(129)).then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
    }

    @Test
    void aPushToAReferenceNoTagCanHaveIs400TagInvalid() {
        registry.given().contentType(TestImages.OCI_MANIFEST).body("{}").put("/v2/refs/app/manifests/.INVALID")
                .then().statusCode(400).body("errors[0].code", equalTo("TAG_INVALID"));
    }

    @Test
    void aMalformedDigestStaysDigestInvalid() {
        registry.given().get("/v2/refs/app/manifests/sha256:not-hex").then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
    }
}
