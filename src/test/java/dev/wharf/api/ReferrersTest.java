package dev.wharf.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.testing.Blobs;
import dev.wharf.manifest.MediaTypes;
import dev.wharf.testing.Images;
import dev.wharf.testing.RegistryTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.wharf.testing.Images.descriptor;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.emptyIterable;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

class ReferrersTest extends RegistryTest {
    private static final String REPO = "team/referred";
    private static final String SIGNATURE = "application/vnd.example.signature";
    private static final String SBOM = "application/spdx+json";

    @BeforeAll
    static void pushEmptyConfig() {
        Images.pushEmptyConfig(registry, REPO);
    }

    /** Pushes an artifact of {@code type} about {@code subject}, annotated with its name; returns its digest. */
    private static String refer(Images.Image subject, String type, String name) {
        ObjectNode artifact = Images.artifact(type, descriptor(MediaTypes.OCI_MANIFEST, subject.manifest()));
        artifact.putObject("annotations").put("org.example.name", name);
        byte[] body = Images.bytes(artifact);
        return Images.put(registry, REPO, Blobs.sha256(body), MediaTypes.OCI_MANIFEST, body);
    }

    private static String referrers(Images.Image subject) {
        return "/v2/" + REPO + "/referrers/" + subject.digest();
    }

    @Test
    void referrersAreAnIndexWithArtifactTypesAndAnnotations() {
        Images.Image subject = Images.push(registry, REPO, "app", 1);
        String signature = refer(subject, SIGNATURE, "sig");
        String sbom = refer(subject, SBOM, "sbom");
        registry.given().get(referrers(subject)).then().statusCode(200)
                .contentType(MediaTypes.OCI_INDEX)
                .body("schemaVersion", equalTo(2)).body("mediaType", equalTo(MediaTypes.OCI_INDEX))
                .body("manifests.digest", containsInAnyOrder(signature, sbom))
                .body("manifests.artifactType", containsInAnyOrder(SIGNATURE, SBOM))
                .body("manifests.annotations.'org.example.name'", containsInAnyOrder("sig", "sbom"))
                .body("manifests.mediaType", contains(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_MANIFEST))
                .header("OCI-Filters-Applied", nullValue());
    }

    @Test
    void artifactTypeFilterIsAppliedAndAnnounced() {
        Images.Image subject = Images.push(registry, REPO, "filtered", 2);
        String signature = refer(subject, SIGNATURE, "sig");
        String sbom = refer(subject, SBOM, "sbom");
        registry.given().get(referrers(subject) + "?artifactType=" + SIGNATURE).then().statusCode(200)
                .header("OCI-Filters-Applied", "artifactType")
                .body("manifests.digest", contains(signature));
        registry.given().get(referrers(subject) + "?artifactType=application/spdx%2Bjson").then().statusCode(200)
                .body("manifests.digest", contains(sbom));
    }

    @Test
    void deletingAReferrerRemovesItFromTheList() {
        Images.Image subject = Images.push(registry, REPO, "pruned", 3);
        String signature = refer(subject, SIGNATURE, "sig");
        String sbom = refer(subject, SBOM, "sbom");
        registry.given().delete("/v2/" + REPO + "/manifests/" + signature).then().statusCode(202);
        registry.given().get(referrers(subject)).then().statusCode(200).body("manifests.digest", contains(sbom));
    }

    @Test
    void unknownSubjectHasAnEmptyList() {
        registry.given().get("/v2/" + REPO + "/referrers/" + Blobs.sha256(Blobs.content(10, 4))).then().statusCode(200)
                .body("manifests", emptyIterable());
    }

    @Test
    void referrerWithoutArtifactTypeIsListedUnderItsConfigMediaType() {
        Images.Image subject = Images.push(registry, REPO, "configtyped", 5);
        byte[] config = "{\"kind\":\"attestation\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Blobs.push(registry, REPO, config);
        ObjectNode manifest = Images.manifest(MediaTypes.OCI_MANIFEST, descriptor("application/vnd.example.attestation.config", config));
        manifest.set("subject", descriptor(MediaTypes.OCI_MANIFEST, subject.manifest()));
        String digest = Images.put(registry, REPO, Blobs.sha256(Images.bytes(manifest)), manifest);
        registry.given().get(referrers(subject)).then().statusCode(200)
                .body("manifests.digest", contains(digest))
                .body("manifests.artifactType", contains("application/vnd.example.attestation.config"));
    }

    @Test
    void referrersSurviveTheSubjectBeingPushedAfterThem() {
        byte[] lateSubject = Images.bytes(Images.index(MediaTypes.OCI_INDEX));
        ObjectNode signature = Images.artifact(SIGNATURE, descriptor(MediaTypes.OCI_INDEX, lateSubject));
        String digest = Images.put(registry, REPO, Blobs.sha256(Images.bytes(signature)), signature);
        String subjectDigest = Images.put(registry, REPO, "late", MediaTypes.OCI_INDEX, lateSubject);
        registry.given().get("/v2/" + REPO + "/referrers/" + subjectDigest).then().statusCode(200)
                .body("manifests.digest", contains(digest));
    }
}
