package dev.wharf.notify;

import dev.wharf.config.WharfConfig;
import dev.wharf.registry.RegistryEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One webhook endpoint: its filter, a bounded queue, and a delivery loop that sends one event at a time, so the
 * receiver sees events in the order they were published (and so each repository's in the order they happened).
 * A failed attempt (no answer, 5xx, 408, 429) is retried after {@code backoff}, doubled each time up to a minute,
 * at most {@code maxRetries} times; then the event is given up, counted and logged, and the next one goes.
 * <p>
 * {@link #offer} is called on the request's thread and never waits: a full queue drops the new event, counts it
 * and logs (at most once per 10 s). Everything else runs on one Vert.x context of the endpoint's own.
 */
final class WebhookEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookEndpoint.class);
    static final long MAX_BACKOFF_MILLIS = 60_000;

    private final Vertx vertx;
    private final Context context;
    private final String name;
    private final EventFilter filter;
    private final EventFormat format;
    private final WebhookPoster poster;
    private final int maxRetries;
    private final long backoffMillis;
    private final int capacity;
    private final ArrayBlockingQueue<Notification> queue;
    private final EndpointMeters meters;
    private final LogThrottle dropWarnings = new LogThrottle();
    private final LogThrottle failureWarnings = new LogThrottle();
    /** Whether the delivery loop runs (or is about to): at most one does, so at most one event is in flight. */
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean closing;

    // Only on the context:
    /** The event being delivered or waiting for its retry, or null. */
    private Notification current;
    private long retryTimer = -1;
    /** The waiting retry, to run at once when the server stops. */
    private Runnable retry;
    /** Completed when the queue is empty and nothing is in flight, once closing. */
    private Promise<Void> drained;
    /** Set when the shutdown's grace ran out: whatever was left has been counted as dropped. */
    private boolean abandoned;

    WebhookEndpoint(Vertx vertx, WharfConfig.Endpoint config, EventFilter filter, EventFormat format, WebhookPoster poster,
                    MeterRegistry registry) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.name = config.name();
        this.filter = filter;
        this.format = format;
        this.poster = poster;
        this.maxRetries = config.maxRetries();
        this.backoffMillis = Math.max(1, config.backoffDuration().toMillis());
        this.capacity = config.queueSize();
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.meters = new EndpointMeters(registry, name, queue);
    }

    String name() {
        return name;
    }

    boolean accepts(RegistryEvent event) {
        return filter.accepts(event);
    }

    /** Queues the event for delivery, or drops it (counted) when the queue is full or the server stops. */
    void offer(Notification notification) {
        if (closing) {
            meters.droppedAtShutdown(1);
            return;
        }
        if (!queue.offer(notification)) {
            meters.droppedQueueFull();
            long dropped = dropWarnings.occurred();
            if (dropped > 0) {
                LOG.warn("webhook {}: queue full ({} events waiting), dropped {} event(s); is the receiver down or slow?",
                        name, capacity, dropped);
            }
            return;
        }
        wake();
    }

    private void wake() {
        if (running.compareAndSet(false, true)) {
            context.runOnContext(v -> next());
        }
    }

    /** Takes the next event and sends it, or ends the loop when there is none. */
    private void next() {
        current = null;
        if (abandoned) {
            return;
        }
        Notification notification = queue.poll();
        if (notification == null) {
            running.set(false);
            if (!queue.isEmpty()) {
                wake(); // an offer came between the poll and the set, saw the loop running, and did not wake it
            } else if (drained != null) {
                drained.tryComplete();
            }
            return;
        }
        current = notification;
        attempt(notification, format.body(notification), 0);
    }

    private void attempt(Notification notification, byte[] body, int retries) {
        poster.post(body, format.contentType()).onComplete(result -> answered(notification, body, retries, result));
    }

    private void answered(Notification notification, byte[] body, int retries, AsyncResult<Integer> result) {
        if (abandoned) {
            return;
        }
        if (result.succeeded() && result.result() / 100 == 2) {
            meters.delivered();
            next();
            return;
        }
        boolean retryable = result.failed() || WebhookPoster.retryable(result.result());
        String why = result.failed() ? describe(result.cause()) : "HTTP " + result.result();
        if (retryable && retries < maxRetries && !closing) {
            meters.retried();
            retry = () -> attempt(notification, body, retries + 1);
            retryTimer = vertx.setTimer(backoff(retries), id -> retryNow());
            LOG.debug("webhook {}: event {} failed ({}), retry {} of {} planned", name, notification.id(), why, retries + 1, maxRetries);
            return;
        }
        RegistryEvent event = notification.event();
        if (retryable) {
            meters.failed();
        } else {
            meters.rejected();
        }
        long failures = failureWarnings.occurred();
        if (failures > 0) {
            LOG.warn("webhook {}: {} event {} ({} of {} in {}) after {} attempt(s): {}{}", name,
                    retryable ? "gave up" : "receiver refused", notification.id(), EventFormat.action(event),
                    event.target().name().toLowerCase(java.util.Locale.ROOT), event.repository(), retries + 1, why,
                    failures > 1 ? " (" + failures + " events undelivered in the last 10 s)" : "");
        }
        next();
    }

    private void retryNow() {
        Runnable run = retry;
        retry = null;
        retryTimer = -1;
        if (run != null) {
            run.run();
        }
    }

    /** Before retry {@code retries + 1}: the backoff, doubled for each retry before it, at most a minute. */
    long backoff(int retries) {
        return Math.min(MAX_BACKOFF_MILLIS, backoffMillis << Math.min(retries, 20));
    }

    /**
     * Stops taking events and gives the queue {@code graceMillis} to empty: a retry that was waiting goes at once
     * and failures are no longer retried. What is left then is dropped, counted and logged.
     */
    Future<Void> close(long graceMillis) {
        closing = true;
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            drained = done;
            if (!running.get() && queue.isEmpty()) {
                done.tryComplete();
                return;
            }
            if (retryTimer >= 0) {
                vertx.cancelTimer(retryTimer);
                retryNow();
            }
            long grace = vertx.setTimer(Math.max(1, graceMillis), id -> abandon());
            done.future().onComplete(x -> vertx.cancelTimer(grace));
        });
        return done.future().onComplete(x -> meters.close());
    }

    private void abandon() {
        abandoned = true;
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
        }
        long lost = queue.size() + (current != null ? 1 : 0);
        queue.clear();
        if (lost > 0) {
            meters.droppedAtShutdown(lost);
            LOG.warn("webhook {}: {} event(s) not delivered: the server stopped first", name, lost);
        }
        drained.tryComplete();
    }

    private static String describe(Throwable err) {
        String message = err.getMessage();
        return err.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
