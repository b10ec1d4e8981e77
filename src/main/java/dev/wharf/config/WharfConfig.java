package dev.wharf.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole configuration, as read from {@code config/wharf.yaml} and the environment by {@link ConfigLoader}.
 * One record per section of the file; see docs/configuration.md for what each setting means.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record WharfConfig(Http http, Storage storage, Uploads uploads, Manifests manifests, Auth auth, Tls tls, Gc gc) {

    /**
     * The HTTP listener and how long a connection may hold the server without using it (see ConnectionGuard).
     *
     * @param headerTimeout    a new connection's first request head (request line and headers) must be complete
     *                         within this, or the connection is closed; {@code 0s}: no limit
     * @param keepAliveTimeout a connection with no request in flight is closed when no next request head is complete
     *                         within this; {@code 0s}: no limit
     * @param bodyTimeout      a request body that sends no byte for this long, while the server is ready to read, is
     *                         cut; {@code 0s}: no limit
     * @param maxConnections   open connections at most; beyond, a new one is closed at once; {@code 0}: unlimited
     */
    public record Http(String host, int port, int eventLoops, String shutdownTimeout, String headerTimeout,
                       String keepAliveTimeout, String bodyTimeout, int maxConnections) {
        /** The shipped defaults of the connection limits (the same as in config/wharf.yaml). */
        public static final String DEFAULT_HEADER_TIMEOUT = "30s";
        public static final String DEFAULT_KEEP_ALIVE_TIMEOUT = "120s";
        public static final String DEFAULT_BODY_TIMEOUT = "60s";
        public static final int DEFAULT_MAX_CONNECTIONS = 1024;

        public Http {
            // a bad duration is refused while the configuration loads, not when shutdown first reads it
            Durations.parse(shutdownTimeout);
            Durations.parse(headerTimeout);
            Durations.parse(keepAliveTimeout);
            Durations.parse(bodyTimeout);
            if (maxConnections < 0) {
                throw new IllegalArgumentException("http.maxConnections must be 0 (unlimited) or more, not " + maxConnections);
            }
        }

        /** A listener with the connection limits at their shipped defaults. */
        public Http(String host, int port, int eventLoops, String shutdownTimeout) {
            this(host, port, eventLoops, shutdownTimeout, DEFAULT_HEADER_TIMEOUT, DEFAULT_KEEP_ALIVE_TIMEOUT,
                    DEFAULT_BODY_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
        }

        public Http withConnectionLimits(String headerTimeout, String keepAliveTimeout, String bodyTimeout, int maxConnections) {
            return new Http(host, port, eventLoops, shutdownTimeout, headerTimeout, keepAliveTimeout, bodyTimeout, maxConnections);
        }

        public Duration shutdownTimeoutDuration() {
            return Durations.parse(shutdownTimeout);
        }

        public Duration headerTimeoutDuration() {
            return Durations.parse(headerTimeout);
        }

        public Duration keepAliveTimeoutDuration() {
            return Durations.parse(keepAliveTimeout);
        }

        public Duration bodyTimeoutDuration() {
            return Durations.parse(bodyTimeout);
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

    /**
     * @param maxPerRepository upload sessions one repository may hold open at once; beyond it a start is
     *                         answered 429 (0: no limit)
     * @param automaticMount   whether a mount without {@code from} looks for a repository the caller may pull
     *                         the blob from (201), or is answered as a plain upload start (202)
     */
    public record Uploads(String expiry, String purgeInterval, int maxPerRepository, boolean automaticMount) {
        public Uploads {
            Durations.parse(expiry);
            Durations.parse(purgeInterval);
            if (maxPerRepository < 0) {
                throw new IllegalArgumentException("uploads.maxPerRepository must be 0 (no limit) or more, not " + maxPerRepository);
            }
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

    /**
     * Who may do what; see docs/security.md. Authentication is on as soon as there is a user source: an
     * htpasswd file, inline users, or an external token issuer.
     *
     * @param htpasswd    htpasswd file with bcrypt entries ({@code htpasswd -B}); empty for none
     * @param mode        {@code basic} (Basic challenges) or {@code token} (the built-in token service)
     * @param realm       realm named in Basic challenges
     * @param users       inline users: name to bcrypt hash, beside (and overriding) the htpasswd file
     * @param groups      group name to its members
     * @param admins      users and groups (as {@code group:<name>}) that may do everything everywhere
     * @param policies    grants to users and groups; none at all means every user may do everything
     * @param anonymous   grants to callers without credentials
     * @param clockSkew   tolerance when checking a token's exp, nbf and iat
     */
    public record Auth(String htpasswd, String mode, String realm, Map<String, String> users,
                       Map<String, List<String>> groups, List<String> admins, List<Policy> policies,
                       List<Grant> anonymous, Token token, External external, String clockSkew,
                       FailedLogins failedLogins) {
        public Auth {
            htpasswd = htpasswd == null ? "" : htpasswd;
            users = users == null ? Map.of() : Map.copyOf(users);
            groups = groups == null ? Map.of() : Map.copyOf(groups);
            admins = admins == null ? List.of() : List.copyOf(admins);
            policies = policies == null ? List.of() : List.copyOf(policies);
            anonymous = anonymous == null ? List.of() : List.copyOf(anonymous);
        }

        public boolean enabled() {
            return !htpasswd.isBlank() || !users.isEmpty() || external.enabled();
        }

        /** Bearer challenges (built-in or external token service) rather than Basic ones. */
        public boolean tokenMode() {
            if (external.enabled()) {
                return true;
            }
            return switch (mode) {
                case "token" -> true;
                case "basic" -> false;
                default -> throw new IllegalArgumentException("auth.mode must be basic or token, not " + mode);
            };
        }

        public Duration clockSkewDuration() {
            return Durations.parse(clockSkew);
        }
    }

    /** Actions on the repositories matching any of the glob patterns, for the listed users and groups. */
    public record Policy(List<String> users, List<String> groups, List<String> repositories, List<String> actions) {
        public Policy {
            users = users == null ? List.of() : List.copyOf(users);
            groups = groups == null ? List.of() : List.copyOf(groups);
            repositories = repositories == null ? List.of() : List.copyOf(repositories);
            actions = actions == null ? List.of() : List.copyOf(actions);
        }
    }

    /** Actions on the repositories matching any of the glob patterns, for callers without credentials. */
    public record Grant(List<String> repositories, List<String> actions) {
        public Grant {
            repositories = repositories == null ? List.of() : List.copyOf(repositories);
            actions = actions == null ? List.of() : List.copyOf(actions);
        }
    }

    /**
     * The built-in token service.
     *
     * @param service name clients ask tokens for, and the audience of the tokens
     * @param issuer  the tokens' {@code iss}
     * @param key     PEM (PKCS#8) EC P-256 or RSA private key; empty: generated once and kept under the storage root
     * @param expiry  lifetime of a token
     * @param realm   URL of the token endpoint given in challenges; empty: this server's own {@code /token}
     */
    public record Token(String service, String issuer, String key, String expiry, String realm) {
        public Duration expiryDuration() {
            return Durations.parse(expiry);
        }
    }

    /**
     * An outside token server whose tokens Wharf accepts instead of issuing its own.
     *
     * @param issuer    the {@code iss} its tokens carry; empty: no external server
     * @param publicKey PEM public key or certificate it signs with
     * @param jwks      JWKS file with its keys (instead of, or beside, publicKey)
     * @param realm     its token endpoint URL, given in challenges
     * @param service   the audience its tokens carry for this registry
     */
    public record External(String issuer, String publicKey, String jwks, String realm, String service) {
        public boolean enabled() {
            return !issuer.isBlank();
        }
    }

    /** After {@code limit} failed logins from one client address within {@code window}, its logins are refused until the window passes. */
    public record FailedLogins(int limit, String window) {
        public Duration windowDuration() {
            return Durations.parse(window);
        }
    }

    /**
     * HTTPS: the PEM certificate (chain) and key (both empty: plain HTTP), and which TLS implementation encrypts: {@code openssl} (BoringSSL
     * through netty-tcnative, bundled for Linux x86-64), {@code jdk} (the JDK's own), or {@code auto}, the first
     * that is available (see docs/performance.md for what each costs).
     */
    public record Tls(String cert, String key, String engine) {
        public static final List<String> ENGINES = List.of("auto", "openssl", "jdk");

        public Tls {
            cert = cert == null ? "" : cert;
            key = key == null ? "" : key;
            engine = engine == null || engine.isBlank() ? "auto" : engine.trim().toLowerCase(Locale.ROOT);
            if (cert.isBlank() != key.isBlank()) {
                throw new IllegalArgumentException("tls.cert and tls.key must be set together (or both left empty for plain HTTP)");
            }
            if (!ENGINES.contains(engine)) {
                throw new IllegalArgumentException("tls.engine must be one of " + ENGINES + ", not " + engine);
            }
        }

        public Tls(String cert, String key) {
            this(cert, key, "auto");
        }

        public boolean enabled() {
            return !cert.isBlank() || !key.isBlank();
        }
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
        return new WharfConfig(http, new Storage(root, storage.fsync(), storage.deleteEnabled()), uploads, manifests, auth, tls, gc);
    }

    public WharfConfig withPort(int port) {
        return withHttp(new Http(http.host(), port, http.eventLoops(), http.shutdownTimeout(), http.headerTimeout(),
                http.keepAliveTimeout(), http.bodyTimeout(), http.maxConnections()));
    }

    public WharfConfig withHttp(Http http) {
        return new WharfConfig(http, storage, uploads, manifests, auth, tls, gc);
    }

    public WharfConfig withAuth(Auth auth) {
        return new WharfConfig(http, storage, uploads, manifests, auth, tls, gc);
    }

    public WharfConfig withTls(Tls tls) {
        return new WharfConfig(http, storage, uploads, manifests, auth, tls, gc);
    }

    public WharfConfig withGc(Gc gc) {
        return new WharfConfig(http, storage, uploads, manifests, auth, tls, gc);
    }
}
