package dev.wharf.mirror;

import dev.wharf.manifest.MediaTypes;
import dev.wharf.mirror.FaultyUpstream.Kind;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.Images;
import dev.wharf.testing.Poll;
import dev.wharf.testing.TestRegistry;
import io.restassured.response.Response;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads through the pull-through cache from a real upstream (a second Wharf), with a counting proxy between them,
 * so every test can say what the upstream was asked: what is cached is served without asking again, what is not
 * is fetched once, and the answers are the upstream's, byte for byte.
 */
class PullThroughTest {
    private static TestRegistry upstream;
    private static FaultyUpstream proxy;
    private static TestRegistry mirror;
    private static TestRegistry staleMirror;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestRegistry.start();
        proxy = FaultyUpstream.inFrontOf(upstream.port());
        mirror = Mirrors.of(Mirrors.upstream("upstream.test", proxy.url(), true, "60s", "^v[0-9.]+$", List.of()));
        staleMirror = Mirrors.of(Mirrors.upstream("stale.test", proxy.url(), true, "0s", "^v[0-9.]+$", List.of()));
    }

    @AfterAll
    static void stop() throws Exception {
        staleMirror.close();
        mirror.close();
        proxy.close();
        upstream.close();
    }

    @BeforeEach
    void resetCounts() {
        proxy.heal();
        proxy.resetCounts();
    }

    @Test
    void aTagIsServedByteForByteWithTheUpstreamsDigestAndContentType() {
        Images.Image image = Images.push(upstream, "library/exact", "1", 1);
        Response r = mirror.given().get("/v2/library/exact/manifests/1").then().statusCode(200)
                .header("Content-Type", MediaTypes.OCI_MANIFEST).header("Docker-Content-Digest", image.digest())
                .extract().response();
        assertArrayEquals(image.manifest(), r.asByteArray());
        mirror.given().head("/v2/library/exact/manifests/1").then().statusCode(200)
                .header("Docker-Content-Digest", image.digest())
                .header("Content-Length", String.valueOf(image.manifest().length));
        assertEquals(1, proxy.count(HttpMethod.GET, Kind.MANIFEST), "one fetch; the HEAD came from the cache");
    }

    @Test
    void aFreshTagAndADigestAreServedFromTheCacheWithoutAskingTheUpstream() {
        Images.Image image = Images.push(upstream, "library/fresh", "latest", 2);
        mirror.given().get("/v2/library/fresh/manifests/latest").then().statusCode(200);
        for (int i = 0; i < 3; i++) {
            mirror.given().get("/v2/library/fresh/manifests/latest").then().statusCode(200);
            mirror.given().get("/v2/library/fresh/manifests/" + image.digest()).then().statusCode(200);
        }
        assertEquals(1, proxy.count(HttpMethod.GET, Kind.MANIFEST));
        assertEquals(0, proxy.count(HttpMethod.HEAD, Kind.MANIFEST));
    }

    @Test
    void aStaleTagIsRevalidatedWithAHeadAndFetchedAgainOnlyWhenItMoved() {
        Images.push(upstream, "library/moving", "latest", 3);
        staleMirror.given().get("/v2/library/moving/manifests/latest").then().statusCode(200);
        staleMirror.given().get("/v2/library/moving/manifests/latest").then().statusCode(200);
        assertEquals(1, proxy.count(HttpMethod.GET, Kind.MANIFEST), "unchanged upstream: revalidated, not fetched again");
        assertEquals(1, proxy.count(HttpMethod.HEAD, Kind.MANIFEST));

        Images.Image moved = Images.push(upstream, "library/moving", "latest", 4);
        staleMirror.given().get("/v2/library/moving/manifests/latest").then().statusCode(200)
                .header("Docker-Content-Digest", moved.digest());
        assertEquals(2, proxy.count(HttpMethod.GET, Kind.MANIFEST));
    }

    @Test
    void anImmutableTagIsNeverRevalidated() {
        Images.push(upstream, "library/pinned", "v1.2.3", 5);
        for (int i = 0; i < 3; i++) {
            staleMirror.given().get("/v2/library/pinned/manifests/v1.2.3").then().statusCode(200);
        }
        assertEquals(1, proxy.count(HttpMethod.GET, Kind.MANIFEST));
        assertEquals(0, proxy.count(HttpMethod.HEAD, Kind.MANIFEST));
    }

    @Test
    void aBlobIsFetchedOnceStoredVerifiedAndThenServedFromTheStore() throws Exception {
        byte[] content = Blobs.content(3 << 20, 6);
        String digest = Blobs.push(upstream, "library/blobby", content);
        for (int i = 0; i < 2; i++) {
            byte[] got = mirror.given().get("/v2/library/blobby/blobs/" + digest).then().statusCode(200)
                    .header("Docker-Content-Digest", digest).extract().asByteArray();
            assertArrayEquals(content, got);
        }
        assertEquals(1, proxy.count(HttpMethod.GET, Kind.BLOB));
        // The last byte goes out once the hash matches; the blob and then its link are stored just after.
        Poll.until("the fill is stored and linked", () -> Files.exists(Blobs.link(mirror, "upstream.test/library/blobby", digest)));
        assertArrayEquals(content, Files.readAllBytes(Blobs.file(mirror, digest)));
    }

    @Test
    void aRangeOfAnUncachedBlobIs206WithExactlyThoseBytes() {
        byte[] content = Blobs.content(1 << 20, 7);
        String digest = Blobs.push(upstream, "library/ranged", content);
        byte[] got = mirror.given().header("Range", "bytes=1000-1999").get("/v2/library/ranged/blobs/" + digest)
                .then().statusCode(206).header("Content-Range", "bytes 1000-1999/" + content.length).extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(content, 1000, 2000), got);
    }

    @Test
    void aHeadOfAnUncachedBlobAsksTheUpstreamsHeadNotADownload() {
        byte[] content = Blobs.content(200_000, 8);
        String digest = Blobs.push(upstream, "library/headed", content);
        mirror.given().head("/v2/library/headed/blobs/" + digest).then().statusCode(200)
                .header("Content-Length", String.valueOf(content.length)).header("Docker-Content-Digest", digest);
        assertEquals(1, proxy.count(HttpMethod.HEAD, Kind.BLOB));
        assertEquals(0, proxy.count(HttpMethod.GET, Kind.BLOB));
        assertFalse(Files.exists(Blobs.file(mirror, digest)));
    }

    @Test
    void whatTheUpstreamDoesNotHaveIs404WithTheSpecsCodes() {
        String missing = Blobs.sha256("nowhere".getBytes());
        mirror.given().get("/v2/library/absent/manifests/latest").then().statusCode(404).body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        mirror.given().get("/v2/library/absent/manifests/" + missing).then().statusCode(404).body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        mirror.given().get("/v2/library/absent/blobs/" + missing).then().statusCode(404).body("errors[0].code", equalTo("BLOB_UNKNOWN"));
        mirror.given().head("/v2/library/absent/blobs/" + missing).then().statusCode(404);
    }

    @Test
    void anIndexIsCachedAndItsChildrenArePulledOnDemand() {
        Images.Image child = Images.push(upstream, "library/multi", "amd64", 9);
        byte[] index = Images.bytes(Images.index(MediaTypes.OCI_INDEX, Images.descriptor(MediaTypes.OCI_MANIFEST, child.manifest())));
        String indexDigest = Images.put(upstream, "library/multi", "latest", MediaTypes.OCI_INDEX, index);
        assertArrayEquals(index, mirror.given().get("/v2/library/multi/manifests/latest").then().statusCode(200)
                .header("Docker-Content-Digest", indexDigest).header("Content-Type", MediaTypes.OCI_INDEX).extract().asByteArray());
        assertArrayEquals(child.manifest(), mirror.given().get("/v2/library/multi/manifests/" + child.digest())
                .then().statusCode(200).extract().asByteArray());
        mirror.given().get("/v2/library/multi/blobs/" + child.layer()).then().statusCode(200);
    }

    @Test
    void thePathPrefixAndNsReachTheSameCacheAndAnUnknownNsGetsOnlyLocalContent() {
        Images.Image image = Images.push(upstream, "team/app", "1", 10);
        mirror.given().get("/v2/upstream.test/team/app/manifests/1").then().statusCode(200).header("Docker-Content-Digest", image.digest());
        mirror.given().get("/v2/team/app/manifests/1?ns=upstream.test").then().statusCode(200).header("Docker-Content-Digest", image.digest());
        mirror.given().get("/v2/team/app/manifests/1?ns=quay.io").then().statusCode(404);
        assertEquals(1, proxy.count(HttpMethod.GET, Kind.MANIFEST), "the three ways share one cached copy");
        mirror.given().get("/v2/_catalog").then().statusCode(200).body("repositories", hasItem("upstream.test/team/app"));
    }

    @Test
    void aPushIntoACachedNameIsDeniedAndAPushToALocalNameWorks() {
        mirror.given().post("/v2/upstream.test/library/x/blobs/uploads/").then().statusCode(403)
                .body("errors[0].code", equalTo("DENIED"));
        mirror.given().post("/v2/library/x/blobs/uploads/?ns=upstream.test").then().statusCode(403);
        Images.Image local = Images.push(mirror, "mine/tool", "1", 11);
        mirror.given().get("/v2/mine/tool/manifests/1").then().statusCode(200).header("Docker-Content-Digest", local.digest());
        assertEquals(0, proxy.count(HttpMethod.GET, Kind.MANIFEST), "a local repository is served locally");
    }

    @Test
    void theTagListIsTheUpstreams() {
        Images.push(upstream, "library/listed", "a", 12);
        Images.push(upstream, "library/listed", "b", 13);
        mirror.given().get("/v2/library/listed/tags/list").then().statusCode(200).body("tags", equalTo(List.of("a", "b")));
    }

    @Test
    void referrersOfACachedImageComeFromTheUpstream() {
        Images.Image image = Images.push(upstream, "library/signed", "1", 14);
        Images.pushEmptyConfig(upstream, "library/signed");
        String signature = Images.put(upstream, "library/signed", Blobs.sha256("sig".getBytes()).replace(':', '-'),
                Images.artifact("application/vnd.example.signature", Images.descriptor(MediaTypes.OCI_MANIFEST, image.manifest())));
        mirror.given().get("/v2/library/signed/referrers/" + image.digest()).then().statusCode(200)
                .body("manifests.digest", equalTo(List.of(signature)))
                .body("manifests[0].artifactType", equalTo("application/vnd.example.signature"));
        mirror.given().get("/v2/library/signed/referrers/" + image.digest() + "?artifactType=application/other").then().statusCode(200)
                .body("manifests", equalTo(List.of()));
    }
}
