package dev.wharf.mirror;

import dev.wharf.testing.Blobs;
import dev.wharf.testing.Images;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** A Wharf whose upstream is another Wharf mirror (a site cache in front of a regional one) serves the origin's images. */
class ChainedMirrorTest {

    @Test
    void aMirrorOfAMirrorServesTheOriginsImages() {
        try (TestRegistry origin = TestRegistry.start();
             TestRegistry regional = Mirrors.of(Mirrors.upstream("origin.test", origin.baseUrl(), true, "60s"));
             TestRegistry site = Mirrors.of(Mirrors.upstream("regional.test", regional.baseUrl(), true, "60s"))) {
            Images.Image image = Images.push(origin, "library/chained", "1", 1);
            byte[] layer = origin.given().get("/v2/library/chained/blobs/" + image.layer()).then().extract().asByteArray();
            assertArrayEquals(image.manifest(), site.given().get("/v2/library/chained/manifests/1").then().statusCode(200)
                    .header("Docker-Content-Digest", image.digest()).extract().asByteArray());
            assertArrayEquals(layer, site.given().get("/v2/library/chained/blobs/" + image.layer()).then().statusCode(200)
                    .extract().asByteArray());
            // each level keeps its copy under its own upstream's prefix
            regional.given().get("/v2/origin.test/library/chained/manifests/" + image.digest()).then().statusCode(200);
            site.given().head("/v2/regional.test/library/chained/blobs/" + Blobs.sha256(layer)).then().statusCode(200);
        }
    }
}
