package dev.wharf.mirror;

import dev.wharf.config.WharfConfig;
import dev.wharf.mirror.FaultyUpstream.Kind;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.Images;
import dev.wharf.testing.Poll;
import dev.wharf.testing.TestRegistry;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cache stays within its limits: images not pulled for {@code maxIdle}, and beyond {@code maxBytes} the least
 * recently pulled ones, are evicted; the normal garbage collection then reclaims their blobs; the next pull of an
 * evicted image fetches it again.
 */
class CacheEvictionTest {
    private static WharfConfig.Upstream limited(String url, String maxIdle, long maxBytes) {
        return new WharfConfig.Upstream("upstream.test", url, null, true, null, null, null, null, null, false, "2s", "1s", "5s",
                "60s", "", List.of(), maxIdle, maxBytes);
    }

    /** No grace period, so that the collection after an eviction reclaims at once. */
    private static WharfConfig noGrace(WharfConfig c) {
        return c.withGc(new WharfConfig.Gc("0s", "0s", false, List.of()));
    }

    @Test
    void anImageNotPulledForMaxIdleIsEvictedReclaimedAndFetchedAgainOnItsNextPull() throws Exception {
        try (TestRegistry upstream = TestRegistry.start();
             FaultyUpstream proxy = FaultyUpstream.inFrontOf(upstream.port());
             TestRegistry mirror = Mirrors.of(CacheEvictionTest::noGrace, limited(proxy.url(), "1s", 0))) {
            Images.Image image = Images.push(upstream, "library/idle", "1", 1);
            mirror.given().get("/v2/library/idle/manifests/1").then().statusCode(200);
            mirror.given().get("/v2/library/idle/blobs/" + image.layer()).then().statusCode(200).extract().asByteArray();
            // the last byte goes out once the hash matched; the store makes the blob durable and visible just after
            Poll.until("the fill is stored", () -> Files.exists(Blobs.file(mirror, image.layer())));

            Thread.sleep(1200);
            assertEquals(1, mirror.server().mirror().evictNow().await(30, TimeUnit.SECONDS));
            assertFalse(Files.exists(Blobs.file(mirror, image.layer())), "the collection after the eviction reclaimed the layer");

            mirror.given().get("/v2/library/idle/manifests/1").then().statusCode(200).header("Docker-Content-Digest", image.digest());
            mirror.given().get("/v2/library/idle/blobs/" + image.layer()).then().statusCode(200);
            assertEquals(2, proxy.count(HttpMethod.GET, Kind.MANIFEST));
            assertEquals(2, proxy.count(HttpMethod.GET, Kind.BLOB));
        }
    }

    @Test
    void beyondMaxBytesTheLeastRecentlyPulledImagesGoFirst() throws Exception {
        try (TestRegistry upstream = TestRegistry.start();
             TestRegistry mirror = Mirrors.of(CacheEvictionTest::noGrace, limited(upstream.baseUrl(), "0s", 3000))) {
            byte[] big = Blobs.content(2000, 2);
            String layerA = Blobs.push(upstream, "library/a", big);
            String layerB = Blobs.push(upstream, "library/b", Blobs.content(2000, 3));
            Images.pushEmptyConfig(upstream, "library/a");
            Images.pushEmptyConfig(upstream, "library/b");
            for (String[] image : new String[][] {{"library/a", layerA}, {"library/b", layerB}}) {
                Images.put(upstream, image[0], "1", Images.manifest(dev.wharf.manifest.MediaTypes.OCI_MANIFEST,
                        Images.descriptor(Images.OCI_CONFIG, Images.EMPTY_DIGEST, 2), Images.descriptor(Images.OCI_LAYER, image[1], 2000)));
                mirror.given().get("/v2/" + image[0] + "/manifests/1").then().statusCode(200);
                mirror.given().get("/v2/" + image[0] + "/blobs/" + image[1]).then().statusCode(200).extract().asByteArray();
                Poll.until("the fill is stored", () -> Files.exists(Blobs.file(mirror, image[1])));
                Thread.sleep(20);
            }
            assertEquals(1, mirror.server().mirror().evictNow().await(30, TimeUnit.SECONDS));
            assertFalse(Files.exists(Blobs.file(mirror, layerA)), "the older pull went");
            assertTrue(Files.exists(Blobs.file(mirror, layerB)), "the newer pull stays");
        }
    }
}
