package dev.wharf.notify;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.TestRegistry;

import java.util.List;
import java.util.Map;

/** Webhook endpoints for tests, with a quick backoff, and a registry started with them. */
final class Endpoints {
    /** The source the test registries state in their events. */
    static final String SOURCE = "http://wharf.test:5000";

    private String name;
    private final String url;
    private String format;
    private String secret;
    private List<String> events;
    private List<String> repositories;
    private String timeout = "5s";
    private Integer queueSize;
    private Integer maxRetries = 3;
    private String backoff = "10ms";
    private Map<String, String> headers;

    private Endpoints(String url) {
        this.url = url;
    }

    static Endpoints to(String url) {
        return new Endpoints(url);
    }

    Endpoints named(String value) {
        name = value;
        return this;
    }

    Endpoints format(String value) {
        format = value;
        return this;
    }

    Endpoints secret(String value) {
        secret = value;
        return this;
    }

    Endpoints events(String... values) {
        events = List.of(values);
        return this;
    }

    Endpoints repositories(String... globs) {
        repositories = List.of(globs);
        return this;
    }

    Endpoints timeout(String value) {
        timeout = value;
        return this;
    }

    Endpoints queueSize(int value) {
        queueSize = value;
        return this;
    }

    Endpoints maxRetries(int value) {
        maxRetries = value;
        return this;
    }

    Endpoints backoff(String value) {
        backoff = value;
        return this;
    }

    Endpoints headers(Map<String, String> value) {
        headers = value;
        return this;
    }

    WharfConfig.Endpoint build() {
        return new WharfConfig.Endpoint(name, url, format, secret, null, events, repositories, timeout, queueSize, maxRetries,
                backoff, headers);
    }

    static WharfConfig.Notifications notifications(Endpoints... endpoints) {
        return new WharfConfig.Notifications(SOURCE, java.util.Arrays.stream(endpoints).map(Endpoints::build).toList());
    }

    /** A registry whose webhooks go to {@code endpoints}. */
    static TestRegistry registry(Endpoints... endpoints) {
        WharfConfig.Notifications notifications = notifications(endpoints);
        return TestRegistry.start(c -> c.withNotifications(notifications));
    }
}
