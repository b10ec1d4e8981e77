package dev.wharf.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The whole configuration, as read from {@code config/wharf.yaml} and the environment by {@link ConfigLoader}.
 * One record per section of the file; see docs/configuration.md for what each setting means.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record WharfConfig(Http http, Storage storage, Uploads uploads, Manifests manifests, Gc gc) {

    public record Http(String host, int port, int eventLoops, String shutdownTimeout) {
        public Duration shutdownTimeoutDuration() {
            return Durations.parse(shutdownTimeout);
        }

        public int eventLoopCount() {
            return eventLoops > 0 ? eventLoops : 2 * Runtime.getRuntime().availableProcessors();
        }
    }

    public record Storage(String root, boolean fsync, boolean deleteEnabled) {
        public Path rootPath() {
            return Path.of(root).toAbsolutePath().normalize();
        }
    }

    public record Uploads(String expiry, String purgeInterval) {
        public Duration expiryDuration() {
            return Durations.parse(expiry);
        }

        public Duration purgeIntervalDuration() {
            return Durations.parse(purgeInterval);
        }
    }

    public record Manifests(int maxBytes) {
    }

    /**
     * Garbage collection: how often the server runs it, how young content is always spared, and which tags
     * expire. An {@code interval} of {@code 0s} turns the schedule off.
     */
    public record Gc(String interval, String gracePeriod, boolean untagged, List<Retention> retention) {
        public Gc {
            retention = retention == null ? List.of() : List.copyOf(retention);
        }

        public Duration intervalDuration() {
            return Durations.parse(interval);
        }

        public Duration gracePeriodDuration() {
            return Durations.parse(gracePeriod);
        }

        /**
         * Which tags of the repositories matching the glob {@code repositories} are kept: the newest
         * {@code keepLast}, those pushed within {@code keepWithin}, those matching the regex {@code keepMatching}.
         * A tag that no rule keeps expires.
         */
        public record Retention(String repositories, Integer keepLast, String keepWithin, String keepMatching) {
        }
    }

    public WharfConfig withStorageRoot(String root) {
        return new WharfConfig(http, new Storage(root, storage.fsync(), storage.deleteEnabled()), uploads, manifests, gc);
    }

    public WharfConfig withPort(int port) {
        return new WharfConfig(new Http(http.host(), port, http.eventLoops(), http.shutdownTimeout()), storage, uploads, manifests, gc);
    }
}
