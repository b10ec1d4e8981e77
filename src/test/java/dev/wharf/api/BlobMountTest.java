package dev.wharf.api;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.RegistryTest;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BlobMountTest extends RegistryTest {

    @Test
    void mountFromARepositoryHoldingTheBlobLinksItWithoutANewFile() {
        byte[] content = Blobs.content(5000, 1);
        String digest = Blobs.push(registry, "base/image", content);
        long stored = Blobs.storedCount(registry);
        registry.given().post("/v2/app/one/blobs/uploads/?mount=" + digest + "&from=base/image").then().statusCode(201)
                .header("Location", "/v2/app/one/blobs/" + digest).header("Docker-Content-Digest", digest);
        assertArrayEquals(content, registry.given().get("/v2/app/one/blobs/" + digest).then().statusCode(200)
                .extract().asByteArray());
        assertEquals(stored, Blobs.storedCount(registry));
    }

    @Test
    void mountFromARepositoryWithoutTheBlobFallsBackToAnUpload() {
        String digest = Blobs.push(registry, "base/private", Blobs.content(100, 2));
        Blobs.push(registry, "base/other", Blobs.content(100, 3));
        registry.given().post("/v2/app/two/blobs/uploads/?mount=" + digest + "&from=base/other").then().statusCode(202)
                .header("Location", startsWith("/v2/app/two/blobs/uploads/"));
        registry.given().get("/v2/app/two/blobs/" + digest).then().statusCode(404);
    }

    @Test
    void mountOfAnUnknownBlobFallsBackToAnUpload() {
        String digest = Blobs.sha256(Blobs.content(100, 4));
        registry.given().post("/v2/app/three/blobs/uploads/?mount=" + digest + "&from=base/image").then().statusCode(202)
                .header("Docker-Upload-UUID", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void mountWithoutFromFindsARepositoryHoldingTheBlob() {
        byte[] content = Blobs.content(300, 5);
        String digest = Blobs.push(registry, "base/shared", content);
        registry.given().post("/v2/app/four/blobs/uploads/?mount=" + digest).then().statusCode(201)
                .header("Docker-Content-Digest", equalTo(digest));
        assertArrayEquals(content, registry.given().get("/v2/app/four/blobs/" + digest).then().statusCode(200)
                .extract().asByteArray());
    }

    @Test
    void withAutomaticMountsOffAMountWithoutFromStartsAPlainUploadAndAMountWithFromStillWorks() {
        try (TestRegistry off = TestRegistry.start(c -> new WharfConfig(c.http(), c.storage(),
                new WharfConfig.Uploads(c.uploads().expiry(), c.uploads().purgeInterval(), c.uploads().maxPerRepository(), false),
                c.manifests(), c.auth(), c.tls(), c.gc()))) {
            byte[] content = Blobs.content(300, 6);
            String digest = Blobs.push(off, "base/shared", content);
            off.given().post("/v2/app/five/blobs/uploads/?mount=" + digest).then().statusCode(202)
                    .header("Location", startsWith("/v2/app/five/blobs/uploads/"));
            off.given().head("/v2/app/five/blobs/" + digest).then().statusCode(404);
            off.given().post("/v2/app/five/blobs/uploads/?mount=" + digest + "&from=base/shared").then().statusCode(201);
        }
    }
}
