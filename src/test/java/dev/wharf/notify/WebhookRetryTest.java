package dev.wharf.notify;

import dev.wharf.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How an endpoint gives up: after its retries on failures worth retrying, at once on a refusal, and at shutdown. */
class WebhookRetryTest {
    private Vertx vertx;
    private SimpleMeterRegistry meters;
    private WebhookReceiver receiver;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        meters = new SimpleMeterRegistry();
        receiver = WebhookReceiver.start();
    }

    @AfterEach
    void stop() throws Exception {
        receiver.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private Webhooks webhooks(Endpoints endpoint) {
        return new Webhooks(vertx, Endpoints.notifications(endpoint.named("hook")), Endpoints.SOURCE, meters);
    }

    private double count(String name, String... tags) {
        var search = meters.find(name).tag("endpoint", "hook").tags(tags);
        return search.counter() == null ? 0 : search.counter().count();
    }

    @Test
    void aReceiverThatKeepsFailingGetsMaxRetriesMoreAttemptsThenTheEventIsGivenUp() throws Exception {
        receiver.answer(n -> 503);
        Webhooks webhooks = webhooks(Endpoints.to(receiver.url("/hook")).maxRetries(2).backoff("10ms"));
        webhooks.published(WebhookQueueOverflowTest.event(1));
        Poll.until("the event is given up", () -> count("wharf.webhook.deliveries", "outcome", "failed") == 1);
        assertEquals(3, receiver.requests().size());
        assertEquals(2, count("wharf.webhook.retries"));

        // and the next event goes
        receiver.answer(n -> 200);
        webhooks.published(WebhookQueueOverflowTest.event(2));
        Poll.until("the next event is delivered", () -> count("wharf.webhook.deliveries", "outcome", "delivered") == 1);
        webhooks.close(Duration.ofSeconds(1)).await(5, TimeUnit.SECONDS);
    }

    @Test
    void aRefusalIsNotRetried() throws Exception {
        receiver.answer(n -> 400);
        Webhooks webhooks = webhooks(Endpoints.to(receiver.url("/hook")).maxRetries(5).backoff("10ms"));
        webhooks.published(WebhookQueueOverflowTest.event(1));
        Poll.until("the event is refused", () -> count("wharf.webhook.deliveries", "outcome", "rejected") == 1);
        assertEquals(1, receiver.requests().size());
        assertEquals(0, count("wharf.webhook.retries"));
        webhooks.close(Duration.ofSeconds(1)).await(5, TimeUnit.SECONDS);
    }

    @Test
    void anUnreachableReceiverIsRetriedLikeA5xx() throws Exception {
        String nowhere;
        try (WebhookReceiver gone = WebhookReceiver.start()) {
            nowhere = gone.url("/hook");
        }
        Webhooks webhooks = webhooks(Endpoints.to(nowhere).maxRetries(1).backoff("10ms").timeout("2s"));
        webhooks.published(WebhookQueueOverflowTest.event(1));
        Poll.until("the event is given up", () -> count("wharf.webhook.deliveries", "outcome", "failed") == 1);
        assertEquals(1, count("wharf.webhook.retries"));
        webhooks.close(Duration.ofSeconds(1)).await(5, TimeUnit.SECONDS);
    }

    @Test
    void aReceiverSilentPastTheTimeoutFailsTheAttempt() throws Exception {
        receiver.stall();
        Webhooks webhooks = webhooks(Endpoints.to(receiver.url("/hook")).maxRetries(1).backoff("10ms").timeout("200ms"));
        webhooks.published(WebhookQueueOverflowTest.event(1));
        Poll.until("the event is given up", () -> count("wharf.webhook.deliveries", "outcome", "failed") == 1);
        assertEquals(2, receiver.requests().size());
        webhooks.close(Duration.ofSeconds(1)).await(5, TimeUnit.SECONDS);
    }

    @Test
    void theBackoffDoublesUpToAMinute() {
        WebhookEndpoint endpoint = new WebhookEndpoint(vertx, Endpoints.to(receiver.url("/")).backoff("1s").build(),
                EventFilter.of(Endpoints.to(receiver.url("/")).build()), new CloudEventsFormat(Endpoints.SOURCE), null, meters);
        assertEquals(1000, endpoint.backoff(0));
        assertEquals(2000, endpoint.backoff(1));
        assertEquals(32_000, endpoint.backoff(5));
        assertEquals(60_000, endpoint.backoff(6));
        assertEquals(60_000, endpoint.backoff(100));
    }

    @Test
    void aStoppingServerGivesTheQueueAShortWhileThenCountsWhatIsLeft() throws Exception {
        receiver.stall();
        Webhooks webhooks = webhooks(Endpoints.to(receiver.url("/hook")).queueSize(10).timeout("30s"));
        for (int i = 0; i < 4; i++) {
            webhooks.published(WebhookQueueOverflowTest.event(i));
        }
        receiver.awaitRequests(1);
        long start = System.nanoTime();
        webhooks.close(Duration.ofMillis(200)).await(5, TimeUnit.SECONDS);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(4, count("wharf.webhook.dropped", "reason", "shutdown"), "the one in flight and the three queued");
        assertEquals(true, took < 2000, "closing took " + took + " ms");
        webhooks.published(WebhookQueueOverflowTest.event(5));
        assertEquals(5, count("wharf.webhook.dropped", "reason", "shutdown"), "an event after the close is dropped");
    }
}
