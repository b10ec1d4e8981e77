package dev.wharf.api;

import dev.wharf.manifest.MediaTypes;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.Images;
import dev.wharf.testing.RegistryTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class RestartTest extends RegistryTest {

    @Test
    void uploadStartedBeforeARestartCanBeFinishedAfterIt() throws IOException {
        byte[] content = Blobs.content(300_000, 1);
        String digest = Blobs.sha256(content);
        String location = Blobs.startUpload(registry, "team/restart");
        registry.given().contentType("application/octet-stream").header("Content-Range", "0-99999")
                .body(Arrays.copyOfRange(content, 0, 100_000)).patch(location).then().statusCode(202);

        registry.stopServer();
        registry.boot();

        registry.given().get(location).then().statusCode(204).header("Range", "0-99999");
        registry.given().contentType("application/octet-stream").header("Content-Range", "100000-299999")
                .body(Arrays.copyOfRange(content, 100_000, 300_000)).patch(location).then().statusCode(202);
        registry.given().put(location + "?digest=" + digest).then().statusCode(201)
                .header("Docker-Content-Digest", digest);
        assertArrayEquals(content, registry.given().get("/v2/team/restart/blobs/" + digest).then().statusCode(200)
                .extract().asByteArray());
    }

    @Test
    void tagsAndManifestsSurviveARestart() throws IOException {
        Images.Image image = Images.push(registry, "team/durable", "v1", 2);
        Images.push(registry, "team/durable", "v2", 3);

        registry.stopServer();
        registry.boot();

        assertArrayEquals(image.manifest(), registry.given().get("/v2/team/durable/manifests/v1").then().statusCode(200)
                .header("Docker-Content-Digest", image.digest()).extract().asByteArray());
        registry.given().get("/v2/team/durable/manifests/" + image.digest()).then().statusCode(200);
        registry.given().get("/v2/team/durable/tags/list").then().statusCode(200).body("tags", contains("v1", "v2"));
        registry.given().head("/v2/team/durable/blobs/" + image.layer()).then().statusCode(200);
    }

    @Test
    void deletesAndReferrersSurviveARestart() throws IOException {
        String repo = "team/afterlife";
        Images.Image kept = Images.push(registry, repo, "kept", 4);
        Images.Image dropped = Images.push(registry, repo, "dropped", 5);
        Images.pushEmptyConfig(registry, repo);
        byte[] signature = Images.bytes(Images.artifact("application/vnd.example.signature",
                Images.descriptor(MediaTypes.OCI_MANIFEST, kept.manifest())));
        String signatureDigest = Images.put(registry, repo, Blobs.sha256(signature), MediaTypes.OCI_MANIFEST, signature);
        registry.given().delete("/v2/" + repo + "/manifests/" + dropped.digest()).then().statusCode(202);

        registry.stopServer();
        registry.boot();

        registry.given().get("/v2/" + repo + "/manifests/dropped").then().statusCode(404);
        registry.given().get("/v2/" + repo + "/manifests/" + dropped.digest()).then().statusCode(404);
        registry.given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("kept"));
        registry.given().get("/v2/" + repo + "/referrers/" + kept.digest()).then().statusCode(200)
                .body("manifests.digest", contains(signatureDigest));
    }
}
