package dev.wharf.replicas;

import dev.wharf.testing.Poll;
import dev.wharf.testing.TestImages;
import dev.wharf.testing.TestImages.Image;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One of three replicas is SIGKILLed while clients push through the proxy. Every push acknowledged (manifest PUT
 * 201), before the kill or after it, must pull back whole from the survivors; a push cut by the kill must succeed
 * when the client tries it again (the proxy skips the dead replica, which refuses connections); and nothing may
 * fail before the kill.
 */
class ReplicaKillTest {
    private static final int CLIENTS = 4;
    private static final int VICTIM = 1;

    /** One push: what it was and how its first attempt ended. */
    private record Push(String repository, String tag, long seed, byte[][] layers) {
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void pushesAcknowledgedAroundASigkilledReplicaAllPullFromTheSurvivorsAndCutOnesSucceedOnRetry() throws Exception {
        try (Replicas replicas = Replicas.start(3); RoundRobinProxy proxy = RoundRobinProxy.start(replicas.portSuppliers())) {
            List<Image> acknowledged = new CopyOnWriteArrayList<>();
            List<String> acknowledgedAfterKill = new CopyOnWriteArrayList<>();
            List<String> failedBeforeKill = new CopyOnWriteArrayList<>();
            List<String> retriedAndSucceeded = new CopyOnWriteArrayList<>();
            List<String> retriesFailed = new CopyOnWriteArrayList<>();
            AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
            AtomicBoolean stop = new AtomicBoolean();

            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Thread t = new Thread(() -> {
                    Random random = new Random(client);
                    for (int n = 0; !stop.get(); n++) {
                        Push push = new Push("kill/client-" + client, "n" + n, client * 10_000L + n, new byte[][] {
                                bytes(random, 1 + random.nextInt(384 * 1024)), bytes(random, 1 + random.nextInt(8 * 1024))});
                        long startedAt = System.nanoTime();
                        try {
                            acknowledged.add(push(proxy, push));
                            if (startedAt > killedAt.get()) {
                                acknowledgedAfterKill.add(push.repository() + ":" + push.tag());
                            }
                        } catch (AssertionError | RuntimeException cut) {
                            if (System.nanoTime() < killedAt.get()) {
                                failedBeforeKill.add(push.repository() + ":" + push.tag() + ": " + cut);
                                continue;
                            }
                            try {
                                acknowledged.add(push(proxy, push));
                                retriedAndSucceeded.add(push.repository() + ":" + push.tag() + " (first: " + firstLine(cut) + ")");
                            } catch (AssertionError | RuntimeException again) {
                                retriesFailed.add(push.repository() + ":" + push.tag() + ": " + again);
                            }
                        }
                    }
                }, "kill-client-" + c);
                clients.add(t);
                t.start();
            }

            long servedByVictim;
            int acknowledgedBeforeKill;
            try {
                // the kill comes once pushes flow (a replica's first requests are slow: JIT, the SDK's start)
                Poll.until("pushes acknowledged before the kill", Duration.ofSeconds(40),
                        () -> acknowledged.size() >= 2 * CLIENTS || !failedBeforeKill.isEmpty());
                servedByVictim = proxy.served(VICTIM);
                acknowledgedBeforeKill = acknowledged.size();
                killedAt.set(System.nanoTime());
                replicas.kill(VICTIM);
                Poll.until("pushes started after the kill and acknowledged", Duration.ofSeconds(40),
                        () -> acknowledgedAfterKill.size() >= 2 * CLIENTS);
            } finally {
                stop.set(true);
            }
            for (Thread t : clients) {
                t.join(30_000);
                assertTrue(!t.isAlive(), t.getName() + " did not stop");
            }

            System.out.println("kill test: " + acknowledgedBeforeKill + " pushes before the kill, " + acknowledgedAfterKill.size()
                    + " started after it, " + retriedAndSucceeded.size() + " cut and retried " + retriedAndSucceeded
                    + "; proxy counts " + proxy.counts());
            assertEquals(List.of(), failedBeforeKill, "pushes that failed while every replica was up");
            assertEquals(List.of(), retriesFailed, "pushes cut by the kill whose retry failed too");
            assertTrue(servedByVictim > 0, "the victim served requests before it was killed: " + proxy.counts());
            assertTrue(proxy.refused(VICTIM) > 0, "requests went to the dead replica and were passed on: " + proxy.counts());

            for (Image image : acknowledged) {
                for (int survivor : new int[] {0, 2}) {
                    Verify.imageOnReplica(replicas, survivor, image.repository(), image.manifest().toString(), "after the kill");
                }
            }
            replicas.restart(VICTIM);
            for (Image image : acknowledged) {
                Verify.imageOnReplica(replicas, VICTIM, image.repository(), image.manifest().toString(), "after the victim restarted");
            }
        }
    }

    /** The push's layers and a config fixed by its seed, so that a retry pushes exactly the same image. */
    private static Image push(RoundRobinProxy proxy, Push push) {
        TestImages images = new TestImages(() -> given(proxy), push.seed());
        return images.pushImage(push.repository(), push.tag(), push.layers());
    }

    private static RequestSpecification given(RoundRobinProxy proxy) {
        return RestAssured.given().baseUri("http://127.0.0.1").port(proxy.port()).urlEncodingEnabled(false);
    }

    private static byte[] bytes(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    private static String firstLine(Throwable t) {
        String s = String.valueOf(t);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
