package dev.wharf.notify;

import dev.wharf.config.WharfConfig;
import dev.wharf.registry.RegistryEvent;
import dev.wharf.registry.RegistryEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The webhook dispatcher: listens to the registry service and hands each event to the endpoints whose filter
 * takes it, each with a queue and a delivery loop of its own ({@link WebhookEndpoint}), so a slow or dead
 * receiver delays only its own deliveries, never a push nor another endpoint. One HTTP client serves them all.
 */
public final class Webhooks implements RegistryEvents {
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    /** How long a stopping server gives the queues to empty, at most. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final HttpClient client;
    private final List<WebhookEndpoint> endpoints;

    /**
     * Reads every endpoint's secret and checks its patterns now, so that a mistake stops the start.
     *
     * @param source the registry's URL as receivers know it (see {@link #sourceOf})
     * @param meters where the delivery, retry and drop counters and the queue gauges go
     */
    public Webhooks(Vertx vertx, WharfConfig.Notifications config, String source, MeterRegistry meters) {
        String instanceId = UUID.randomUUID().toString();
        List<EventFilter> filters = new ArrayList<>();
        List<byte[]> secrets = new ArrayList<>();
        for (WharfConfig.Endpoint endpoint : config.endpoints()) {
            filters.add(filter(endpoint));
            secrets.add(secretOf(endpoint));
        }
        // One connection per endpoint is all a one-at-a-time loop uses; two endpoints may share a host. An idle
        // connection is closed after 4 s, before common servers' own idle timeouts (Node's 5 s), so that a delivery
        // does not race the receiver closing the connection it is sent on.
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(4),
                new PoolOptions().setHttp1MaxSize(Math.max(2, config.endpoints().size())));
        List<WebhookEndpoint> built = new ArrayList<>();
        for (int i = 0; i < config.endpoints().size(); i++) {
            WharfConfig.Endpoint endpoint = config.endpoints().get(i);
            built.add(new WebhookEndpoint(vertx, endpoint, filters.get(i), EventFormat.named(endpoint.format(), source, instanceId),
                    new WebhookPoster(client, endpoint, secrets.get(i)), meters));
        }
        this.endpoints = List.copyOf(built);
        LOG.info("webhooks to {} (events from {})", config.endpoints(), source);
    }

    /** The dispatcher of {@code config.notifications()}, or null when it lists no endpoint. */
    public static Webhooks create(Vertx vertx, WharfConfig config, MeterRegistry meters) {
        if (!config.notifications().enabled()) {
            return null;
        }
        return new Webhooks(vertx, config.notifications(), sourceOf(config), meters);
    }

    /**
     * {@code notifications.source}, else this server's URL as well as it knows it: the listen address unless that is
     * a wildcard, else the host name (a pod's name in Kubernetes), with {@code http.port}.
     */
    public static String sourceOf(WharfConfig config) {
        if (!config.notifications().source().isEmpty()) {
            return config.notifications().source();
        }
        String host = config.http().host();
        if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = hostName();
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return (config.tls().enabled() ? "https" : "http") + "://" + host + ":" + config.http().port();
    }

    private static String hostName() {
        String name = System.getenv("HOSTNAME");
        if (name != null && !name.isBlank()) {
            return name.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static EventFilter filter(WharfConfig.Endpoint endpoint) {
        try {
            return EventFilter.of(endpoint);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("webhook " + endpoint.name() + ": bad repositories pattern: " + e.getMessage(), e);
        }
    }

    /** The HMAC key, or null for an unsigned endpoint. Errors name the file, never what it holds. */
    private static byte[] secretOf(WharfConfig.Endpoint endpoint) {
        String secret = endpoint.secret();
        if (!endpoint.secretFile().isEmpty()) {
            try {
                secret = Files.readString(Path.of(endpoint.secretFile()), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("webhook " + endpoint.name() + ": cannot read secretFile " + endpoint.secretFile()
                        + " (" + e.getClass().getSimpleName() + ")", e);
            }
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("webhook " + endpoint.name() + ": secretFile " + endpoint.secretFile() + " is empty");
            }
        }
        return secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
    }

    /** Hands the event to every endpoint that takes it; returns at once whatever the receivers do. */
    @Override
    public void published(RegistryEvent event) {
        Notification notification = null;
        for (WebhookEndpoint endpoint : endpoints) {
            if (endpoint.accepts(event)) {
                if (notification == null) {
                    notification = new Notification(UUID.randomUUID().toString(), event);
                }
                endpoint.offer(notification);
            }
        }
    }

    /**
     * Stops taking events, gives the endpoints up to {@code grace} to deliver what they hold, then closes the client.
     * Never fails: what could not be delivered is counted and logged.
     */
    public Future<Void> close(Duration grace) {
        List<Future<Void>> closing = endpoints.stream().map(e -> e.close(grace.toMillis())).toList();
        return Future.join(closing).transform(done -> client.close()).otherwiseEmpty().mapEmpty();
    }
}
