package dev.wharf.notify;

import dev.wharf.manifest.MediaTypes;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;
import dev.wharf.registry.RegistryEvent;
import dev.wharf.testing.Images;
import dev.wharf.testing.Poll;
import dev.wharf.testing.TestRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A receiver that stalls fills its endpoint's small queue; what comes next is dropped and counted, and pushes never wait. */
class WebhookQueueOverflowTest {
    private static final int QUEUE = 2;

    @Test
    void pushesGoThroughAtFullSpeedWhileTheReceiverStallsAndTheOverflowIsDropped() {
        try (WebhookReceiver receiver = WebhookReceiver.start();
             TestRegistry registry = Endpoints.registry(Endpoints.to(receiver.url("/hook")).named("busy").queueSize(QUEUE)
                     .timeout("30s"))) {
            Images.Image first = Images.push(registry, "team/busy", "warm", 1); // a delivery that goes, to warm things up
            receiver.awaitDelivered(1);
            receiver.stall();

            Images.put(registry, "team/busy", "t0", MediaTypes.OCI_MANIFEST, first.manifest());
            receiver.awaitRequests(2); // t0 is in flight, held by the receiver

            int pushes = 20;
            long longest = 0;
            for (int i = 1; i < pushes; i++) {
                long start = System.nanoTime();
                Images.put(registry, "team/busy", "t" + i, MediaTypes.OCI_MANIFEST, first.manifest());
                longest = Math.max(longest, System.nanoTime() - start);
            }
            assertTrue(TimeUnit.NANOSECONDS.toMillis(longest) < 2000, "a push waited " + TimeUnit.NANOSECONDS.toMillis(longest)
                    + " ms for a stalled receiver");
            assertEquals(2, receiver.requests().size(), "one delivery in flight at a time");
            // t1 and t2 wait in the queue; t3 to t19 were dropped, and /metrics says so
            String metrics = registry.given().get("/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.contains("wharf_webhook_dropped_total{endpoint=\"busy\",reason=\"queue_full\"} 17.0"), metrics);
            assertTrue(metrics.contains("wharf_webhook_queue_size{endpoint=\"busy\"} 2.0"), metrics);

            receiver.release();
            // t0, then the queue's QUEUE events (t1, t2); the rest were dropped. A last push marks the end.
            receiver.awaitRequests(2 + QUEUE);
            Images.put(registry, "team/busy", "last", MediaTypes.OCI_MANIFEST, first.manifest());
            Poll.until("the last push's event", () -> receiver.requests().stream()
                    .anyMatch(r -> r.json().path("data").path("tag").asText().equals("last")));
            List<String> tags = receiver.requests().stream().map(r -> r.json().path("data").path("tag").asText()).toList();
            assertEquals(List.of("warm", "t0", "t1", "t2", "last"), tags);
        }
    }

    @Test
    void publishingNeverWaitsAndTheDropsAreCounted() throws Exception {
        Vertx vertx = Vertx.vertx();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.stall();
            Webhooks webhooks = new Webhooks(vertx, Endpoints.notifications(Endpoints.to(receiver.url("/hook")).named("slow")
                    .queueSize(QUEUE).timeout("30s")), Endpoints.SOURCE, meters);
            webhooks.published(event(0));
            receiver.awaitRequests(1); // the first is in flight, held by the receiver

            int more = 50;
            long start = System.nanoTime();
            for (int i = 1; i <= more; i++) {
                webhooks.published(event(i));
            }
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took < 1000, "publishing " + more + " events took " + took + " ms");

            assertEquals(more - QUEUE, meters.get("wharf.webhook.dropped").tags("endpoint", "slow", "reason", "queue_full")
                    .counter().count());
            assertEquals(QUEUE, meters.get("wharf.webhook.queue.size").tag("endpoint", "slow").gauge().value());

            receiver.release();
            Poll.until("the queue delivered", () -> meters.get("wharf.webhook.deliveries")
                    .tags("endpoint", "slow", "outcome", "delivered").counter().count() == 1 + QUEUE);
            assertEquals(0, meters.get("wharf.webhook.queue.size").tag("endpoint", "slow").gauge().value());
            webhooks.close(Duration.ofSeconds(1)).await(5, TimeUnit.SECONDS);
            assertEquals(List.of("0", "1", "2"), receiver.requests().stream()
                    .map(r -> r.json().path("data").path("tag").asText()).toList());
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    static RegistryEvent event(int i) {
        byte[] manifest = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
        return RegistryEvent.manifestPushed(RepositoryName.parse("team/unit"), Digest.sha256(manifest), MediaTypes.OCI_MANIFEST,
                manifest.length, new Tag(Integer.toString(i)));
    }
}
