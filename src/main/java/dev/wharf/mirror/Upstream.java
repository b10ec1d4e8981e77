package dev.wharf.mirror;

import dev.wharf.auth.RepositoryPattern;
import dev.wharf.config.Durations;
import dev.wharf.config.WharfConfig;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** One upstream registry as the cache uses it: its settings, compiled; its client; its counters. */
public final class Upstream {
    private final WharfConfig.Upstream config;
    private final UpstreamClient client;
    private final MirrorStats stats;
    private final List<RepositoryPattern> repositories;
    private final Pattern immutableTags;
    private final Duration freshness;
    private final Duration timeout;
    private final Duration readTimeout;
    private final Duration maxIdle;

    Upstream(Vertx vertx, WharfConfig.Upstream config) {
        this.config = config;
        // the prefix is the first part of every local name this upstream's content is kept under
        try {
            RepositoryName.parse(config.prefix() + "/x");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("proxy upstream " + config.name() + ": its prefix " + config.prefix()
                    + " is not the start of a valid repository name (lower-case letters, digits, . _ - and /); set prefix");
        }
        this.client = new UpstreamClient(vertx, config);
        this.stats = new MirrorStats(config.name());
        this.repositories = config.repositories().stream().map(RepositoryPattern::of).toList();
        this.immutableTags = config.immutableTags().isEmpty() ? null : Pattern.compile(config.immutableTags());
        this.freshness = Durations.parse(config.freshness());
        this.timeout = Durations.parse(config.timeout());
        this.readTimeout = Durations.parse(config.readTimeout());
        this.maxIdle = Durations.parse(config.maxIdle());
    }

    /** The registry name clients know it by ({@code docker.io}). */
    public String name() {
        return config.name();
    }

    String prefix() {
        return config.prefix();
    }

    boolean isDefault() {
        return config.isDefault();
    }

    WharfConfig.Upstream config() {
        return config;
    }

    UpstreamClient client() {
        return client;
    }

    public MirrorStats stats() {
        return stats;
    }

    /** Whether it serves the repository of that name (its own name for it, without Wharf's prefix). */
    boolean serves(String remoteName) {
        return repositories.isEmpty() || repositories.stream().anyMatch(p -> p.matches(remoteName));
    }

    /** Whether the default upstream's repository patterns were written out, so that they claim names for it. */
    boolean claimsByPattern(String remoteName) {
        return !repositories.isEmpty() && serves(remoteName);
    }

    /** Tags that, once cached, are never asked about again (they never move upstream). */
    boolean isImmutable(Tag tag) {
        return immutableTags != null && immutableTags.matcher(tag.value()).matches();
    }

    Duration freshness() {
        return freshness;
    }

    long timeoutMillis() {
        return timeout.toMillis();
    }

    long readTimeoutMillis() {
        return readTimeout.toMillis();
    }

    Duration maxIdle() {
        return maxIdle;
    }

    long maxBytes() {
        return config.maxBytes();
    }

    void close() {
        client.close();
    }

    @Override
    public String toString() {
        return config.toString();
    }
}
