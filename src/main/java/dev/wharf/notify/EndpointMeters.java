package dev.wharf.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Collection;

/**
 * One endpoint's meters, tagged with its name: {@code wharf_webhook_deliveries_total{outcome}},
 * {@code wharf_webhook_retries_total}, {@code wharf_webhook_dropped_total{reason}} and the
 * {@code wharf_webhook_queue_size} gauge (in Prometheus' names).
 */
final class EndpointMeters {
    private final MeterRegistry registry;
    private final Counter delivered;
    private final Counter rejected;
    private final Counter failed;
    private final Counter retries;
    private final Counter droppedQueueFull;
    private final Counter droppedShutdown;
    private final Gauge queued;

    EndpointMeters(MeterRegistry registry, String endpoint, Collection<?> queue) {
        this.registry = registry;
        this.delivered = delivery(endpoint, "delivered");
        this.rejected = delivery(endpoint, "rejected");
        this.failed = delivery(endpoint, "failed");
        this.retries = Counter.builder("wharf.webhook.retries").tag("endpoint", endpoint)
                .description("Webhook delivery attempts that were a retry of a failed one").register(registry);
        this.droppedQueueFull = dropped(endpoint, "queue_full");
        this.droppedShutdown = dropped(endpoint, "shutdown");
        this.queued = Gauge.builder("wharf.webhook.queue.size", queue, Collection::size).tag("endpoint", endpoint)
                .description("Webhook events waiting for delivery (the one being delivered not counted)").register(registry);
    }

    private Counter delivery(String endpoint, String outcome) {
        return Counter.builder("wharf.webhook.deliveries").tags("endpoint", endpoint, "outcome", outcome)
                .description("Webhook events done with: delivered (a 2xx answer), rejected (a 4xx other than 408 and 429, "
                        + "not retried) or failed (no 2xx after every retry)")
                .register(registry);
    }

    private Counter dropped(String endpoint, String reason) {
        return Counter.builder("wharf.webhook.dropped").tags("endpoint", endpoint, "reason", reason)
                .description("Webhook events never sent: the endpoint's queue was full, or the server stopped first")
                .register(registry);
    }

    void delivered() {
        delivered.increment();
    }

    void rejected() {
        rejected.increment();
    }

    void failed() {
        failed.increment();
    }

    void retried() {
        retries.increment();
    }

    void droppedQueueFull() {
        droppedQueueFull.increment();
    }

    void droppedAtShutdown(long events) {
        droppedShutdown.increment(events);
    }

    /** The gauge goes with its queue, so that a server started again on the same registry gets a live one. */
    void close() {
        registry.remove(queued);
    }
}
