package dev.wharf.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

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
public record WharfConfig(Http http, Storage storage, Uploads uploads, Manifests manifests, Auth auth, Tls tls, Gc gc,
                          Proxy proxy, Observability observability, Notifications notifications) {

    /** A configuration without a pull-through cache (the shape of every configuration before there was one). */
    public WharfConfig(Http http, Storage storage, Uploads uploads, Manifests manifests, Auth auth, Tls tls, Gc gc) {
        this(http, storage, uploads, manifests, auth, tls, gc, Proxy.NONE);
    }

    /** A configuration with the default metrics, health and logs. */
    public WharfConfig(Http http, Storage storage, Uploads uploads, Manifests manifests, Auth auth, Tls tls, Gc gc, Proxy proxy) {
        this(http, storage, uploads, manifests, auth, tls, gc, proxy, Observability.DEFAULT);
    }

    /** A configuration without webhooks. */
    public WharfConfig(Http http, Storage storage, Uploads uploads, Manifests manifests, Auth auth, Tls tls, Gc gc, Proxy proxy,
                       Observability observability) {
        this(http, storage, uploads, manifests, auth, tls, gc, proxy, observability, Notifications.NONE);
    }

    public WharfConfig {
        proxy = proxy == null ? Proxy.NONE : proxy;
        observability = observability == null ? Observability.DEFAULT : observability;
        if (storage != null && storage.isS3() && proxy.enabled()) {
            // said at load, not at the first pull: fills are read while they grow from a local upload file
            throw new IllegalArgumentException("the pull-through cache (proxy.upstream, proxy.upstreams) needs "
                    + "storage.driver: filesystem; the S3 driver keeps no upload in a local file for clients to read while it fills");
        }
        notifications = notifications == null ? Notifications.NONE : notifications;
    }

    /**
     * Metrics, health and the access log (docs/observability.md).
     *
     * @param metrics        serve Prometheus metrics at {@code /metrics}
     * @param metricsAddress {@code host:port} of a listener of its own for {@code /metrics} (as Distribution's debug
     *                       server), so that it need not be exposed with the registry; empty: the registry's port
     * @param accessLog      one JSON line per request: {@code stdout}, a file path, or empty for none
     * @param usageInterval  how often the blob store's size and deduplication (the {@code du} figures) are measured
     *                       for the metrics, on a worker thread; {@code 0s}: never
     * @param drainDelay     on SIGTERM, how long {@code /readyz} answers 503 before the server stops taking
     *                       connections, so a load balancer stops sending first; {@code 0s}: at once
     */
    public record Observability(boolean metrics, String metricsAddress, String accessLog, String usageInterval,
                                String drainDelay) {
        public static final Observability DEFAULT = new Observability(true, "", "", "5m", "0s");

        public Observability {
            metricsAddress = metricsAddress == null ? "" : metricsAddress.trim();
            accessLog = accessLog == null ? "" : accessLog.trim();
            usageInterval = usageInterval == null || usageInterval.isBlank() ? "5m" : usageInterval;
            drainDelay = drainDelay == null || drainDelay.isBlank() ? "0s" : drainDelay;
            Durations.parse(usageInterval);
            Durations.parse(drainDelay);
            if (!metricsAddress.isEmpty() && !metricsAddress.matches(".+:\\d{1,5}")) {
                throw new IllegalArgumentException("observability.metricsAddress must be host:port, not " + metricsAddress);
            }
        }

        public Duration usageIntervalDuration() {
            return Durations.parse(usageInterval);
        }

        public Duration drainDelayDuration() {
            return Durations.parse(drainDelay);
        }
    }

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

    /**
     * @param root   the filesystem driver's tree; with {@code s3}, where this process keeps what is its own (the upload
     *               spool, the token key when none is configured)
     * @param driver {@code filesystem} (the embedded default) or {@code s3}
     */
    public record Storage(String root, boolean fsync, boolean deleteEnabled, String driver, S3 s3) {
        public static final String FILESYSTEM = "filesystem";
        public static final String S3_DRIVER = "s3";

        public Storage {
            driver = driver == null || driver.isBlank() ? FILESYSTEM : driver.trim().toLowerCase(java.util.Locale.ROOT);
            if (!driver.equals(FILESYSTEM) && !driver.equals(S3_DRIVER)) {
                throw new IllegalArgumentException("storage.driver (WHARF_STORAGE_DRIVER) must be filesystem or s3, not " + driver);
            }
            s3 = s3 == null ? S3.NONE : s3;
            if (driver.equals(S3_DRIVER)) {
                s3.check();
            }
        }

        public Storage(String root, boolean fsync, boolean deleteEnabled) {
            this(root, fsync, deleteEnabled, FILESYSTEM, S3.NONE);
        }

        public Path rootPath() {
            return Path.of(root).toAbsolutePath().normalize();
        }

        public boolean isS3() {
            return driver.equals(S3_DRIVER);
        }

        public Storage withRoot(String newRoot) {
            return new Storage(newRoot, fsync, deleteEnabled, driver, s3);
        }
    }

    /**
     * The S3 driver's bucket ({@code storage.s3}).
     *
     * @param endpoint  the S3 API's URL; empty: AWS's own for the region
     * @param prefix    key prefix inside the bucket, so that several registries (or other data) can share one
     * @param pathStyle {@code http://host/bucket/key} rather than {@code http://bucket.host/key} (MinIO, most
     *                  self-hosted stores)
     * @param accessKey with {@code secretKey}; both empty: the SDK's standard chain (environment, profile, instance role)
     * @param caFile    PEM certificates to trust for an https endpoint, besides the JVM's
     * @param redirect  answer blob GETs with a 307 to a presigned URL, so clients pull straight from the bucket
     * @param cacheTtl  how long a replica trusts what it read of tags, revisions and listings: the bound on how
     *                  stale another replica's write can look here
     * @param partSize  multipart part size (5 MiB to 5 GiB): uploads are spooled locally and sent in parts this big
     * @param gcSettle  how long garbage collection waits, after moving blobs aside, for pushes on other replicas
     *                  that referenced them at that moment (see docs/storage.md)
     */
    public record S3(String endpoint, String region, String bucket, String prefix, boolean pathStyle, String accessKey,
                     String secretKey, String caFile, boolean redirect, String redirectExpiry, String cacheTtl,
                     String partSize, String gcSettle) {
        public static final S3 NONE = new S3("", "us-east-1", "", "", false, "", "", "", false, "20m", "1s", "8MiB", "5s");

        public S3 {
            endpoint = blankToEmpty(endpoint).replaceAll("/+$", "");
            region = blankToEmpty(region).isEmpty() ? "us-east-1" : region.trim();
            bucket = blankToEmpty(bucket);
            prefix = blankToEmpty(prefix).replaceAll("^/+|/+$", "");
            accessKey = blankToEmpty(accessKey);
            secretKey = blankToEmpty(secretKey);
            caFile = blankToEmpty(caFile);
            redirectExpiry = blankToEmpty(redirectExpiry).isEmpty() ? "20m" : redirectExpiry;
            cacheTtl = blankToEmpty(cacheTtl).isEmpty() ? "1s" : cacheTtl;
            partSize = blankToEmpty(partSize).isEmpty() ? "8MiB" : partSize;
            gcSettle = blankToEmpty(gcSettle).isEmpty() ? "5s" : gcSettle;
            Durations.parse(redirectExpiry);
            Durations.parse(cacheTtl);
            Durations.parse(gcSettle);
        }

        void check() {
            if (bucket.isEmpty()) {
                throw new IllegalArgumentException("storage.s3.bucket (WHARF_STORAGE_S3_BUCKET) is required with storage.driver s3");
            }
            if (accessKey.isEmpty() != secretKey.isEmpty()) {
                throw new IllegalArgumentException("storage.s3.accessKey and storage.s3.secretKey go together "
                        + "(WHARF_STORAGE_S3_ACCESS_KEY, WHARF_STORAGE_S3_SECRET_KEY); leave both empty for the SDK's credential chain");
            }
            if (!endpoint.isEmpty() && !(endpoint.startsWith("http://") || endpoint.startsWith("https://"))) {
                throw new IllegalArgumentException("storage.s3.endpoint must be an http:// or https:// URL, not " + endpoint);
            }
            if (Durations.parse(gcSettle).compareTo(Durations.parse(cacheTtl)) < 0) {
                // a push that found a blob in its cache writes no blob, only its marker: the settle step must
                // outlast every cache entry made before the sweep set the blob aside (docs/storage.md)
                throw new IllegalArgumentException("storage.s3.gcSettle (" + gcSettle + ") must be at least storage.s3.cacheTtl ("
                        + cacheTtl + ")");
            }
            long part = partSizeBytes();
            if (part < (5L << 20) || part > (5L << 30)) {
                throw new IllegalArgumentException("storage.s3.partSize must be between 5MiB and 5GiB (S3's part limits), not " + partSize);
            }
        }

        public long partSizeBytes() {
            return ByteSizes.parse(partSize);
        }

        public Duration cacheTtlDuration() {
            return Durations.parse(cacheTtl);
        }

        public Duration redirectExpiryDuration() {
            return Durations.parse(redirectExpiry);
        }

        public Duration gcSettleDuration() {
            return Durations.parse(gcSettle);
        }

        private static String blankToEmpty(String s) {
            return s == null ? "" : s.trim();
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

        /** Whether the built-in token service signs with a key Wharf generates (none configured in auth.token.key). */
        public boolean generatesTokenKey() {
            return enabled() && !external.enabled() && tokenMode() && token.key().isBlank();
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
        return new WharfConfig(http, storage.withRoot(root), uploads, manifests, auth, tls, gc, proxy, observability, notifications);
    }

    public WharfConfig withStorage(Storage newStorage) {
        return new WharfConfig(http, newStorage, uploads, manifests, auth, tls, gc, proxy, observability, notifications);
    }

    public WharfConfig withPort(int port) {
        return withHttp(new Http(http.host(), port, http.eventLoops(), http.shutdownTimeout(), http.headerTimeout(),
                http.keepAliveTimeout(), http.bodyTimeout(), http.maxConnections()));
    }

    public WharfConfig withHttp(Http http) {
        return new WharfConfig(http, storage, uploads, manifests, auth, tls, gc, proxy, observability, notifications);
    }

    public WharfConfig withAuth(Auth auth) {
        return new WharfConfig(http, storage, uploads, manifests, auth, tls, gc, proxy, observability, notifications);
    }

    public WharfConfig withTls(Tls tls) {
        return new WharfConfig(http, storage, uploads, manifests, auth, tls, gc, proxy, observability, notifications);
    }

    public WharfConfig withProxy(Proxy proxy) {
        return new WharfConfig(http, storage, uploads, manifests, auth, tls, gc, proxy, observability, notifications);
    }

    public WharfConfig withObservability(Observability observability) {
        return new WharfConfig(http, storage, uploads, manifests, auth, tls, gc, proxy, observability, notifications);
    }

    public WharfConfig withNotifications(Notifications notifications) {
        return new WharfConfig(http, storage, uploads, manifests, auth, tls, gc, proxy, observability, notifications);
    }

    public WharfConfig withGc(Gc gc) {
        return new WharfConfig(http, storage, uploads, manifests, auth, tls, gc, proxy, observability, notifications);
    }

    /**
     * The pull-through cache (docs/mirror.md): the upstream registries whose content Wharf fetches on demand and
     * keeps. {@code upstream} (with {@code upstreamName}) is the one-line form for scripts: a single default
     * upstream at that URL, known to clients by that name (default: the URL's host:port).
     *
     * @param evictionInterval how often cached images past their upstream's {@code maxIdle} or {@code maxBytes}
     *                         are evicted; {@code 0s}: never
     */
    public record Proxy(String upstream, String upstreamName, List<Upstream> upstreams, String evictionInterval) {
        public static final Proxy NONE = new Proxy("", "", List.of(), "1h");

        public Proxy {
            upstream = upstream == null ? "" : upstream.trim();
            upstreamName = upstreamName == null ? "" : upstreamName.trim();
            upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
            evictionInterval = evictionInterval == null || evictionInterval.isBlank() ? "1h" : evictionInterval;
            Durations.parse(evictionInterval);
            if (upstream.isEmpty() && !upstreamName.isEmpty()) {
                throw new IllegalArgumentException("proxy.upstreamName (WHARF_PROXY_UPSTREAM_NAME) names the upstream that "
                        + "proxy.upstream (WHARF_PROXY_UPSTREAM) sets, which is empty");
            }
            if (!upstream.isEmpty()) {
                Upstream.at(upstreamName.isEmpty() ? null : upstreamName, upstream, true); // refused now if malformed
            }
        }

        public Duration evictionIntervalDuration() {
            return Durations.parse(evictionInterval);
        }

        /** Every upstream: the list, then the one {@code upstream} sets (the default unless another one is). */
        public List<Upstream> all() {
            if (upstream.isEmpty()) {
                return upstreams;
            }
            boolean defaultTaken = upstreams.stream().anyMatch(Upstream::isDefault);
            java.util.ArrayList<Upstream> all = new java.util.ArrayList<>(upstreams);
            all.add(Upstream.at(upstreamName.isEmpty() ? null : upstreamName, upstream, !defaultTaken));
            return List.copyOf(all);
        }

        public boolean enabled() {
            return !all().isEmpty();
        }
    }

    /**
     * One upstream registry of the pull-through cache.
     *
     * @param name           the registry name clients know it by ({@code docker.io}), matched against containerd's
     *                       {@code ns} parameter; default: the URL's host:port
     * @param url            where Wharf reaches it ({@code https://registry-1.docker.io})
     * @param prefix         the first path segments that route to it ({@code /v2/docker.io/library/nginx}) and under
     *                       which its content is stored here; default: the name, with {@code :} written {@code -}
     * @param isDefault      whether names that match no prefix and come without {@code ns} go to it
     * @param username       Basic credentials, also used at its token service; with {@code password} or
     *                       {@code passwordFile}
     * @param tokenFile      a file holding a ready-made bearer token (instead of username/password)
     * @param caFile         PEM file of the CAs that sign its certificate, instead of the JDK's
     * @param insecure       accept any certificate (a lab only)
     * @param connectTimeout to open a connection
     * @param timeout        a revalidation of a cached tag (HEAD) waits this long before the cached copy is served
     * @param readTimeout    a fetch that receives nothing for this long fails
     * @param freshness      a cached tag younger than this is served without asking the upstream
     * @param immutableTags  a regex of tags never revalidated once cached (e.g. semver); empty: none
     * @param repositories   glob patterns of the upstream's repositories it serves; empty: all
     * @param maxIdle        cached images not pulled for this long are evicted; empty or 0s: never
     * @param maxBytes       cached bytes above which the least recently pulled images are evicted; 0: no limit
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Upstream(String name, String url, String prefix, @JsonProperty("default") boolean isDefault,
                           String username, String password, String passwordFile, String tokenFile, String caFile,
                           boolean insecure, String connectTimeout, String timeout, String readTimeout, String freshness,
                           String immutableTags, List<String> repositories, String maxIdle, long maxBytes) {
        public Upstream {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("proxy.upstreams: every upstream needs a url");
            }
            url = url.trim().replaceAll("/+$", "");
            java.net.URI uri = java.net.URI.create(url);
            if (uri.getHost() == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new IllegalArgumentException("proxy upstream url must be http://host[:port] or https://host[:port], not " + url);
            }
            if (name == null || name.isBlank()) {
                name = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            }
            if (prefix == null || prefix.isBlank()) {
                prefix = name.replace(':', '-');
            }
            prefix = prefix.replaceAll("^/+|/+$", "");
            connectTimeout = orDefault(connectTimeout, "5s");
            timeout = orDefault(timeout, "3s");
            readTimeout = orDefault(readTimeout, "30s");
            freshness = orDefault(freshness, "60s");
            maxIdle = orDefault(maxIdle, "0s");
            for (String d : List.of(connectTimeout, timeout, readTimeout, freshness, maxIdle)) {
                Durations.parse(d);
            }
            immutableTags = immutableTags == null ? "" : immutableTags;
            if (!immutableTags.isEmpty()) {
                java.util.regex.Pattern.compile(immutableTags);
            }
            repositories = repositories == null ? List.of() : List.copyOf(repositories);
            if (maxBytes < 0) {
                throw new IllegalArgumentException("proxy upstream maxBytes must be 0 (no limit) or more");
            }
            if (password != null && !password.isEmpty() && passwordFile != null && !passwordFile.isEmpty()) {
                throw new IllegalArgumentException("proxy upstream " + name + ": set password or passwordFile, not both");
            }
        }

        /** An upstream at {@code url} with every other setting at its default. */
        public static Upstream at(String name, String url, boolean isDefault) {
            return new Upstream(name, url, null, isDefault, null, null, null, null, null, false, null, null, null, null,
                    null, null, null, 0);
        }

        private static String orDefault(String value, String fallback) {
            return value == null || value.isBlank() ? fallback : value;
        }

        /** Never the password: configurations get logged. */
        @Override
        public String toString() {
            return "Upstream[" + name + " at " + url + (isDefault ? ", default" : "") + "]";
        }
    }

    /**
     * Webhooks (docs/webhooks.md): the endpoints told of pushes, pulls and deletes. Off while there is none.
     *
     * @param source the registry's URL as the receivers know it ({@code https://wharf.example.com}): the events'
     *               source, and the base of the URLs in them; empty: {@code http://<host name>:<http.port>}
     */
    public record Notifications(String source, List<Endpoint> endpoints) {
        public static final Notifications NONE = new Notifications("", List.of());

        public Notifications {
            source = source == null ? "" : source.trim().replaceAll("/+$", "");
            endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
            if (!source.isEmpty() && !(source.startsWith("http://") || source.startsWith("https://"))) {
                throw new IllegalArgumentException("notifications.source must be an http:// or https:// URL, not " + source);
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            for (Endpoint endpoint : endpoints) {
                if (!names.add(endpoint.name())) {
                    throw new IllegalArgumentException("notifications.endpoints: two endpoints are named " + endpoint.name()
                            + "; give each a name of its own");
                }
            }
        }

        public boolean enabled() {
            return !endpoints.isEmpty();
        }
    }

    /**
     * One webhook endpoint of {@code notifications.endpoints}.
     *
     * @param name         what logs and metrics call it; default: the URL's host:port (the URL itself is never
     *                     logged, since it may carry a token)
     * @param url          where events are POSTed
     * @param format       {@code cloudevents} (CloudEvents 1.0, structured JSON; the default) or {@code distribution}
     *                     (CNCF Distribution's notification envelope)
     * @param secret       key of the {@code X-Wharf-Signature-256} HMAC-SHA256 header; empty (and no secretFile): unsigned
     * @param secretFile   a file holding the secret instead (e.g. a mounted Kubernetes Secret), read at start
     * @param events       which actions it hears: {@code push}, {@code pull}, {@code delete}; empty: all
     * @param repositories glob patterns of the repositories it hears of ({@code *} within a segment, {@code **}
     *                     across); empty: all
     * @param timeout      to connect, and then for each read of the answer: a receiver silent for longer fails the attempt
     * @param queueSize    events waiting for delivery at most; a new event beyond it is dropped (and counted)
     * @param maxRetries   further attempts after a failed one, before the event is given up
     * @param backoff      wait before the first retry, doubled before each next one (at most a minute)
     * @param headers      sent with every request, e.g. {@code Authorization}
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Endpoint(String name, String url, String format, String secret, String secretFile, List<String> events,
                           List<String> repositories, String timeout, Integer queueSize, Integer maxRetries, String backoff,
                           Map<String, String> headers) {
        public static final List<String> FORMATS = List.of("cloudevents", "distribution");
        public static final List<String> ACTIONS = List.of("push", "pull", "delete");

        public Endpoint {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("notifications.endpoints: every endpoint needs a url");
            }
            url = url.trim();
            java.net.URI uri;
            try {
                uri = java.net.URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("notifications endpoint url is malformed" + (name == null ? "" : " (" + name + ")"));
            }
            if (uri.getHost() == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new IllegalArgumentException("notifications endpoint url must be http://host[:port]/... or https://..."
                        + (name == null ? "" : " (" + name + ")"));
            }
            if (name == null || name.isBlank()) {
                name = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            }
            name = name.trim();
            format = format == null || format.isBlank() ? "cloudevents" : format.trim().toLowerCase(Locale.ROOT);
            if (!FORMATS.contains(format)) {
                throw new IllegalArgumentException("notifications endpoint " + name + ": format must be one of " + FORMATS + ", not " + format);
            }
            secret = secret == null ? "" : secret;
            secretFile = secretFile == null ? "" : secretFile.trim();
            if (!secret.isEmpty() && !secretFile.isEmpty()) {
                throw new IllegalArgumentException("notifications endpoint " + name + ": set secret or secretFile, not both");
            }
            events = events == null ? List.of() : events.stream().map(e -> e.trim().toLowerCase(Locale.ROOT)).toList();
            for (String event : events) {
                if (!ACTIONS.contains(event)) {
                    throw new IllegalArgumentException("notifications endpoint " + name + ": events are " + ACTIONS + ", not " + event);
                }
            }
            repositories = repositories == null ? List.of() : List.copyOf(repositories);
            timeout = timeout == null || timeout.isBlank() ? "5s" : timeout;
            backoff = backoff == null || backoff.isBlank() ? "1s" : backoff;
            Durations.parse(timeout);
            Durations.parse(backoff);
            queueSize = queueSize == null ? 1000 : queueSize;
            maxRetries = maxRetries == null ? 5 : maxRetries;
            if (queueSize < 1) {
                throw new IllegalArgumentException("notifications endpoint " + name + ": queueSize must be 1 or more");
            }
            if (maxRetries < 0) {
                throw new IllegalArgumentException("notifications endpoint " + name + ": maxRetries must be 0 or more");
            }
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        /** An endpoint at {@code url} with every other setting at its default. */
        public static Endpoint at(String url) {
            return new Endpoint(null, url, null, null, null, null, null, null, null, null, null, null);
        }

        public Duration timeoutDuration() {
            return Durations.parse(timeout);
        }

        public Duration backoffDuration() {
            return Durations.parse(backoff);
        }

        /** Never the URL, the secret or the headers: configurations get logged, and those may hold credentials. */
        @Override
        public String toString() {
            return "Endpoint[" + name + ", " + format + (secret.isEmpty() && secretFile.isEmpty() ? "" : ", signed") + "]";
        }
    }
}
