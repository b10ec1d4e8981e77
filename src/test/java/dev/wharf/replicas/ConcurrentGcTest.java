package dev.wharf.replicas;

import dev.wharf.testing.TestImages;
import dev.wharf.testing.TestImages.Image;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Garbage collection asked of two replicas at the same moment, with no grace period, while pushes go on through
 * the third: the lease in the bucket lets exactly one run (the other answers 503), the run sweeps the garbage, and
 * every push acknowledged before, during or after it still pulls whole from every replica.
 */
class ConcurrentGcTest {
    private static final int A = 0;
    private static final int B = 1;
    private static final int C = 2;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void gcStartedOnTwoReplicasAtOnceRunsOnceAndKeepsEveryAcknowledgedPushOfTheThird() throws Exception {
        try (Replicas replicas = Replicas.start(3, Map.of("WHARF_GC_GRACE_PERIOD", "0s", "WHARF_STORAGE_S3_GC_SETTLE", "2s"))) {
            List<Image> acknowledged = new CopyOnWriteArrayList<>();
            TestImages onC = new TestImages(() -> replicas.given(C), 5);
            for (int n = 0; n < 4; n++) {
                acknowledged.add(onC.pushImage("gc/before", "v" + n, onC.randomBytes(64 * 1024), onC.randomBytes(512)));
            }
            TestImages onA = new TestImages(() -> replicas.given(A), 6);
            List<String> garbage = new ArrayList<>();
            for (int n = 0; n < 4; n++) {
                garbage.add(onA.pushBlob("gc/garbage", onA.randomBytes(32 * 1024 + n)).toString());
            }

            // even with no grace period a blob written within the store's clock grain (S3 times are whole seconds)
            // counts as young and is spared: let the garbage age past it so that the run must sweep it
            Thread.sleep(2000);
            AtomicBoolean stop = new AtomicBoolean();
            List<String> failedPushes = new CopyOnWriteArrayList<>();
            List<Thread> pushers = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int pusher = p;
                Thread t = new Thread(() -> {
                    TestImages images = new TestImages(() -> replicas.given(C), 100 + pusher);
                    for (int n = 0; !stop.get(); n++) {
                        try {
                            acknowledged.add(images.pushImage("gc/during-" + pusher, "n" + n,
                                    images.randomBytes(96 * 1024), images.randomBytes(1024)));
                        } catch (AssertionError | RuntimeException failed) {
                            // with no grace period a blob uploaded but not yet referenced may be collected:
                            // that push is never acknowledged, so nothing is owed for it (docs/storage.md)
                            failedPushes.add("gc/during-" + pusher + ":n" + n + ": " + failed.toString().lines().findFirst().orElse(""));
                        }
                    }
                }, "gc-pusher-" + p);
                pushers.add(t);
                t.start();
            }
            Thread.sleep(300);

            CyclicBarrier together = new CyclicBarrier(2);
            ExecutorService two = Executors.newFixedThreadPool(2); // a thread each, whatever the machine's CPUs
            Response a;
            Response b;
            try {
                Future<Response> onReplicaA = two.submit(() -> collect(replicas, A, together));
                Future<Response> onReplicaB = two.submit(() -> collect(replicas, B, together));
                a = onReplicaA.get(60, TimeUnit.SECONDS);
                b = onReplicaB.get(60, TimeUnit.SECONDS);
                Thread.sleep(500); // pushes go on a little after the run
            } finally {
                two.shutdownNow();
                stop.set(true);
            }
            for (Thread t : pushers) {
                t.join(30_000);
            }

            List<Integer> statuses = new ArrayList<>(List.of(a.statusCode(), b.statusCode()));
            statuses.sort(null);
            assertEquals(List.of(200, 503), statuses, "exactly one replica collects; A said " + a.statusCode() + " "
                    + a.asString() + ", B said " + b.statusCode() + " " + b.asString());
            Response ran = a.statusCode() == 200 ? a : b;
            Response refused = a.statusCode() == 200 ? b : a;
            assertTrue(refused.asString().contains("another replica"), "the refusal says why: " + refused.asString());
            List<String> removed = ran.jsonPath().getList("blobsRemoved", String.class);
            assertTrue(removed.containsAll(garbage), "the run swept the unreferenced blobs " + garbage + "; removed " + removed);

            Response again = replicas.given(B).post("/_wharf/gc");
            assertEquals(200, again.statusCode(), "the lease was given back after the run: " + again.asString());

            acknowledged.add(onC.pushImage("gc/after", "v1", onC.randomBytes(64 * 1024)));
            System.out.println("gc test: " + acknowledged.size() + " acknowledged pushes, " + failedPushes.size()
                    + " failed during the run " + failedPushes + "; run report " + ran.asString());
            assertTrue(acknowledged.size() >= 8, "too few pushes went on during the run: " + acknowledged.size());
            for (Image image : acknowledged) {
                Verify.imageOnAllLive(replicas, image.repository(), image.manifest().toString(), "after the collections");
            }
        }
    }

    private static Response collect(Replicas replicas, int replica, CyclicBarrier together) {
        try {
            together.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return replicas.given(replica).post("/_wharf/gc");
    }
}
