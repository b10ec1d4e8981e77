package dev.wharf.api;

import dev.wharf.manifest.MediaTypes;
import dev.wharf.testing.Images;
import dev.wharf.testing.RegistryTest;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

class ManifestDeleteTest extends RegistryTest {
    private static final String REPO = "team/deletes";

    @Test
    void deleteByDigestRemovesTheManifestAndEveryTagOnIt() {
        Images.Image image = Images.push(registry, REPO, "a", 1);
        Images.put(registry, REPO, "b", MediaTypes.OCI_MANIFEST, image.manifest());
        Images.push(registry, REPO, "other", 2);
        registry.given().delete("/v2/" + REPO + "/manifests/" + image.digest()).then().statusCode(202);
        registry.given().get("/v2/" + REPO + "/manifests/" + image.digest()).then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        registry.given().get("/v2/" + REPO + "/manifests/a").then().statusCode(404);
        registry.given().get("/v2/" + REPO + "/manifests/b").then().statusCode(404);
        registry.given().get("/v2/" + REPO + "/tags/list").then().statusCode(200)
                .body("tags", not(hasItem("a"))).body("tags", not(hasItem("b"))).body("tags", hasItem("other"));
    }

    @Test
    void deleteByTagRemovesOnlyTheTag() {
        Images.Image image = Images.push(registry, REPO, "keep", 3);
        Images.put(registry, REPO, "drop", MediaTypes.OCI_MANIFEST, image.manifest());
        registry.given().delete("/v2/" + REPO + "/manifests/drop").then().statusCode(202);
        registry.given().get("/v2/" + REPO + "/manifests/drop").then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        registry.given().get("/v2/" + REPO + "/manifests/keep").then().statusCode(200)
                .header("Docker-Content-Digest", image.digest());
        registry.given().get("/v2/" + REPO + "/manifests/" + image.digest()).then().statusCode(200);
    }

    @Test
    void deleteOfAnUnknownManifestIs404() {
        Images.push(registry, REPO, "there", 4);
        registry.given().delete("/v2/" + REPO + "/manifests/not-there").then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        registry.given().delete("/v2/" + REPO + "/manifests/sha256:" + "0".repeat(64)).then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
    }
}
