package dev.wharf.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The whole configuration, as read from {@code config/wharf.yaml} and the environment by {@link ConfigLoader}.
 * One record per section of the file; see docs/configuration.md for what each setting means.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record WharfConfig(Http http, Storage storage, Uploads uploads, Manifests manifests) {

    public record Http(String host, int port, int eventLoops, String shutdownTimeout) {
        public Http {
            // a bad duration is refused while the configuration loads, not when shutdown first reads it
            Durations.parse(shutdownTimeout);
        }

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
        public Uploads {
            Durations.parse(expiry);
            Durations.parse(purgeInterval);
        }

        public Duration expiryDuration() {
            return Durations.parse(expiry);
        }

        public Duration purgeIntervalDuration() {
            return Durations.parse(purgeInterval);
        }
    }

    public record Manifests(int maxBytes) {
    }

    public WharfConfig withStorageRoot(String root) {
        return new WharfConfig(http, new Storage(root, storage.fsync(), storage.deleteEnabled()), uploads, manifests);
    }

    public WharfConfig withPort(int port) {
        return new WharfConfig(new Http(http.host(), port, http.eventLoops(), http.shutdownTimeout()), storage, uploads, manifests);
    }
}
