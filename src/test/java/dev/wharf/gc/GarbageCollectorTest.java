package dev.wharf.gc;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;
import dev.wharf.storage.Progress;
import dev.wharf.storage.Storage;
import dev.wharf.testing.TestImages;
import dev.wharf.testing.TestImages.Image;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Garbage collection inside a running registry, driven through the storage of a {@link TestRegistry}. */
class GarbageCollectorTest {
    private static TestRegistry registry;
    private static TestImages images;
    private static GarbageCollector gc;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
        images = new TestImages(registry);
        gc = new GarbageCollector(storage());
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static Storage storage() {
        return registry.server().storage();
    }

    private static GcReport collect(boolean dryRun, boolean untagged, Duration grace, RetentionPolicy... retention)
            throws IOException {
        return gc.run(new GcOptions(dryRun, untagged, grace, List.of(retention)), Progress.NONE);
    }

    private static GcReport collect(boolean untagged) throws IOException {
        return collect(false, untagged, Duration.ZERO);
    }

    private static int blobStatus(String repository, Digest digest) {
        return registry.given().head("/v2/" + repository + "/blobs/" + digest).statusCode();
    }

    private static int manifestStatus(String repository, Digest digest) {
        return registry.given().head("/v2/" + repository + "/manifests/" + digest).statusCode();
    }

    private static void deleteManifest(String repository, String reference) {
        registry.given().delete("/v2/" + repository + "/manifests/" + reference).then().statusCode(202);
    }

    @Test
    void blobsOfADeletedManifestAreSweptAndTheirLinksDropped() throws IOException {
        Image image = images.pushImage("gc/deleted", "v1", images.randomBytes(3000), images.randomBytes(2000));
        deleteManifest("gc/deleted", image.manifest().toString());

        GcReport report = collect(false);

        for (Digest blob : image.blobs()) {
            assertTrue(report.blobsRemoved().contains(blob.toString()), blob + " should be swept");
            assertEquals(404, blobStatus("gc/deleted", blob));
            assertFalse(storage().repositories().holdsBlob(RepositoryName.parse("gc/deleted"), blob));
        }
        assertTrue(report.blobsRemoved().contains(image.manifest().toString()), "the manifest's own bytes go too");
        assertTrue(report.bytesFreed() >= 5000);
    }

    @Test
    void anUntaggedManifestKeepsItsBlobsUnlessUntaggedIsAsked() throws IOException {
        Image image = images.pushImage("gc/untag", "v1", images.randomBytes(1000));
        deleteManifest("gc/untag", "v1");

        collect(false);
        assertEquals(200, manifestStatus("gc/untag", image.manifest()));
        assertEquals(200, blobStatus("gc/untag", image.layers().get(0)));

        GcReport report = collect(true);
        assertTrue(report.manifestsRemoved().contains("gc/untag@" + image.manifest()));
        assertEquals(404, manifestStatus("gc/untag", image.manifest()));
        assertEquals(404, blobStatus("gc/untag", image.layers().get(0)));
    }

    @Test
    void aBaseLayerSharedWithAnImageStillInUseIsKept() throws IOException {
        byte[] base = images.randomBytes(4000);
        Image kept = images.pushImage("gc/shared-a", "v1", base, images.randomBytes(100));
        Image gone = images.pushImage("gc/shared-b", "v1", base, images.randomBytes(200));
        deleteManifest("gc/shared-b", gone.manifest().toString());

        GcReport report = collect(false);

        Digest baseDigest = Digest.sha256(base);
        assertFalse(report.blobsRemoved().contains(baseDigest.toString()));
        assertEquals(200, blobStatus("gc/shared-a", baseDigest));
        assertEquals(200, blobStatus("gc/shared-a", kept.layers().get(1)));
        assertEquals(404, blobStatus("gc/shared-b", gone.layers().get(1)));
        // the other repository's link to the shared layer stays: the blob is still stored
        assertTrue(storage().repositories().holdsBlob(RepositoryName.parse("gc/shared-b"), baseDigest));
    }

    @Test
    void childrenOfATaggedIndexAreKeptEvenWithUntagged() throws IOException {
        Image amd64 = images.pushImage("gc/index", null, images.randomBytes(500));
        Image arm64 = images.pushImage("gc/index", null, images.randomBytes(600));
        Digest index = images.pushIndex("gc/index", "multi", amd64, arm64);

        collect(true);
        for (Image child : List.of(amd64, arm64)) {
            assertEquals(200, manifestStatus("gc/index", child.manifest()));
            assertEquals(200, blobStatus("gc/index", child.layers().get(0)));
        }

        deleteManifest("gc/index", "multi");
        GcReport report = collect(true);
        assertTrue(report.manifestsRemoved().containsAll(List.of("gc/index@" + index, "gc/index@" + amd64.manifest(),
                "gc/index@" + arm64.manifest())));
        assertEquals(404, blobStatus("gc/index", amd64.layers().get(0)));
    }

    @Test
    void referrersOfAKeptManifestAreKeptAndGoWithIt() throws IOException {
        Image image = images.pushImage("gc/signed", "v1", images.randomBytes(700));
        Image signature = images.pushImage("gc/signed", null, image.manifest(), images.randomBytes(64));

        collect(true);
        assertEquals(200, manifestStatus("gc/signed", signature.manifest()));
        registry.given().get("/v2/gc/signed/referrers/" + image.manifest()).then().statusCode(200)
                .body("manifests.digest", hasItem(signature.manifest().toString()));

        deleteManifest("gc/signed", "v1");
        GcReport report = collect(true);
        assertTrue(report.manifestsRemoved().contains("gc/signed@" + signature.manifest()));
        assertEquals(404, manifestStatus("gc/signed", signature.manifest()));
        assertEquals(404, blobStatus("gc/signed", signature.layers().get(0)));
        registry.given().get("/v2/gc/signed/referrers/" + image.manifest()).then().statusCode(200)
                .body("manifests.size()", equalTo(0));
    }

    @Test
    void theGracePeriodProtectsYoungBlobsThatNoManifestReferencesYet() throws IOException {
        Digest blob = images.pushBlob("gc/young", images.randomBytes(800));

        GcReport spared = collect(false, false, Duration.ofHours(1));
        assertFalse(spared.blobsRemoved().contains(blob.toString()));
        assertTrue(spared.youngBlobsSpared() >= 1);
        assertEquals(200, blobStatus("gc/young", blob));

        GcReport swept = collect(false, false, Duration.ZERO);
        assertTrue(swept.blobsRemoved().contains(blob.toString()));
        assertEquals(404, blobStatus("gc/young", blob));
    }

    @Test
    void aManifestPushReferencingStoredBlobsMakesThemYoungAgain() throws IOException {
        Image image = images.pushImage("gc/repush", "v1", images.randomBytes(500));
        for (Digest blob : image.blobs()) {
            ageBlob(blob, Duration.ofDays(2));
        }

        // a client that found the blobs present (HEAD) skips their upload and pushes only the manifest
        images.tryPushManifest("gc/repush", "v2", TestImages.OCI_MANIFEST, image.manifestBytes()).then().statusCode(201);

        for (Digest blob : image.blobs()) {
            assertTrue(storage().blobs().modified(blob).isAfter(Instant.now().minus(Duration.ofMinutes(5))), blob + " touched");
        }
    }

    @Test
    void aMountMakesTheMountedBlobYoungAgain() throws IOException {
        Digest blob = images.pushBlob("gc/mount-from", images.randomBytes(300));
        ageBlob(blob, Duration.ofDays(2));

        registry.given().post("/v2/gc/mount-to/blobs/uploads/?mount=" + blob + "&from=gc/mount-from").then().statusCode(201);

        assertFalse(storage().blobs().deleteIfOlderThan(blob, Instant.now().minus(Duration.ofHours(1))));
    }

    @Test
    void aDryRunListsWhatWouldGoAndChangesNothing() throws IOException {
        Image image = images.pushImage("gc/dry", "v1", images.randomBytes(900));
        deleteManifest("gc/dry", "v1");

        GcReport report = collect(true, true, Duration.ZERO);

        assertTrue(report.dryRun());
        assertTrue(report.manifestsRemoved().contains("gc/dry@" + image.manifest()));
        assertTrue(report.blobsRemoved().containsAll(List.of(image.config().toString(), image.layers().get(0).toString())));
        assertTrue(report.bytesFreed() >= 900);
        assertEquals(200, manifestStatus("gc/dry", image.manifest()));
        assertEquals(200, blobStatus("gc/dry", image.layers().get(0)));
        assertTrue(storage().blobs().exists(image.config()));
    }

    @Test
    void retentionExpiresTagsNoRuleKeepsBeforeMarking() throws IOException {
        String repo = "gc/retained/app";
        Image old = images.pushImage(repo, "build-1", images.randomBytes(300));
        images.pushImage(repo, "build-2", images.randomBytes(300));
        images.pushImage(repo, "release-1.0", images.randomBytes(300));
        Image newest = images.pushImage(repo, "build-3", images.randomBytes(300));
        age(repo, "build-1", 30);
        age(repo, "build-2", 20);
        age(repo, "release-1.0", 40);
        age(repo, "build-3", 10);
        RetentionPolicy policy = new RetentionPolicy("gc/retained/**", 1, Duration.ofDays(15), Pattern.compile("release-.*"));

        GcReport dry = collect(true, true, Duration.ZERO, policy);
        assertEquals(List.of(repo + ":build-1", repo + ":build-2"), dry.tagsRemoved().stream().sorted().toList());
        registry.given().get("/v2/" + repo + "/tags/list").then().body("tags.size()", equalTo(4));

        GcReport report = collect(false, true, Duration.ZERO, policy);
        assertEquals(dry.tagsRemoved().stream().sorted().toList(), report.tagsRemoved().stream().sorted().toList());
        registry.given().get("/v2/" + repo + "/tags/list").then()
                .body("tags", equalTo(List.of("build-3", "release-1.0")));
        assertEquals(404, manifestStatus(repo, old.manifest()));
        assertEquals(200, manifestStatus(repo, newest.manifest()));
        assertTrue(report.manifestsRemoved().contains(repo + "@" + old.manifest()));
    }

    @Test
    void aRepositoryNoPolicyMatchesKeepsEveryTag() throws IOException {
        images.pushImage("gc/unmatched", "ancient", images.randomBytes(100));
        age("gc/unmatched", "ancient", 365);

        GcReport report = collect(false, true, Duration.ZERO,
                new RetentionPolicy("other/*", 0, null, null));

        assertThat(report.tagsRemoved(), not(hasItem("gc/unmatched:ancient")));
        registry.given().get("/v2/gc/unmatched/tags/list").then().body("tags", equalTo(List.of("ancient")));
    }

    @Test
    void theAdminEndpointRunsACollectionAndAnswersItsReport() {
        images.pushBlob("gc/endpoint", images.randomBytes(100));
        registry.given().post("/_wharf/gc?dryRun=true&untagged=true").then().statusCode(200)
                .contentType("application/json")
                .body("dryRun", equalTo(true))
                .body("untagged", equalTo(true))
                .body("gracePeriodSeconds", equalTo(3600));
    }

    private static void ageBlob(Digest blob, Duration age) throws IOException {
        Files.setLastModifiedTime(storage().layout().blobData(blob), FileTime.from(Instant.now().minus(age)));
    }

    private static void age(String repository, String tag, int days) throws IOException {
        Files.setLastModifiedTime(storage().layout().tagFile(RepositoryName.parse(repository), new Tag(tag)),
                FileTime.from(Instant.now().minus(Duration.ofDays(days))));
    }
}
