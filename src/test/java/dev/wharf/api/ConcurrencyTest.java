package dev.wharf.api;

import dev.wharf.testing.Blobs;
import dev.wharf.manifest.MediaTypes;
import dev.wharf.testing.Images;
import dev.wharf.testing.RegistryTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConcurrencyTest extends RegistryTest {
    private static final int CLIENTS = 16;

    /** Runs {@code task} on {@code CLIENTS} threads released at the same moment; returns their results. */
    private static <T> List<T> all(Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return task.call();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Tag("filesystem-layout") // looks at files under the storage root
    @Test
    void sixteenClientsPushingTheSameBlobAllSucceedAndOneFileIsStored() throws Exception {
        byte[] content = Blobs.content(256 * 1024, 1);
        String digest = Blobs.sha256(content);
        long before = Blobs.storedCount(registry);
        List<Integer> statuses = all(() -> registry.given().body(content)
                .post("/v2/team/race/blobs/uploads/?digest=" + digest).statusCode());
        assertEquals(List.of(201), statuses.stream().distinct().toList());
        assertEquals(before + 1, Blobs.storedCount(registry));
        assertEquals(content.length, registry.given().get("/v2/team/race/blobs/" + digest).then().statusCode(200)
                .extract().asByteArray().length);
    }

    @Test
    void concurrentPushesOfOneTagLeaveOneOfThemAndReadersNeverSeeATornState() throws Exception {
        String repo = "team/tagrace";
        Images.Image initial = Images.push(registry, repo, "latest", 100);
        List<Images.Image> candidates = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            candidates.add(Images.push(registry, repo, "seed-" + i, i));
        }
        AtomicBoolean storm = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        ExecutorService reader = Executors.newSingleThreadExecutor();
        Future<String> readerProblem = reader.submit(() -> {
            while (storm.get() || reads.get() == 0) {
                Response r = registry.given().get("/v2/" + repo + "/manifests/latest");
                reads.incrementAndGet();
                if (r.statusCode() != 200) {
                    return "status " + r.statusCode();
                }
                if (!Blobs.sha256(r.asByteArray()).equals(r.header("Docker-Content-Digest"))) {
                    return "body does not match Docker-Content-Digest " + r.header("Docker-Content-Digest");
                }
            }
            return null;
        });
        try {
            AtomicInteger next = new AtomicInteger();
            List<String> pushed = all(() -> {
                Images.Image mine = candidates.get(next.getAndIncrement());
                return Images.put(registry, repo, "latest", MediaTypes.OCI_MANIFEST, mine.manifest());
            });
            storm.set(false);
            assertNull(readerProblem.get(60, TimeUnit.SECONDS));
            String finalDigest = registry.given().get("/v2/" + repo + "/manifests/latest").then().statusCode(200)
                    .extract().header("Docker-Content-Digest");
            assertTrue(Set.copyOf(pushed).contains(finalDigest), "the tag ends on one of the pushed manifests");
            assertNotEquals(initial.digest(), finalDigest);
        } finally {
            storm.set(false);
            reader.shutdownNow();
        }
    }
}
