package dev.wharf.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.error.ErrorCode;
import dev.wharf.error.Problem;
import dev.wharf.error.RegistryException;
import dev.wharf.manifest.MediaTypes;
import dev.wharf.oci.Digest;
import dev.wharf.oci.Reference;
import dev.wharf.oci.Tag;
import dev.wharf.registry.Registry;
import dev.wharf.storage.BlobSource;
import dev.wharf.storage.StoredManifest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads of cached names, answered from what is stored and filled from the upstream on a miss. A fill goes
 * through the registry service's own push operations ({@code putFetched}, the upload sequence), so cached content
 * is verified and stored exactly like pushed content and nothing half-fetched is ever visible.
 * <ul>
 *   <li>Manifests by digest are cached for ever (they cannot change). By tag: served from the cache while
 *       younger than the upstream's freshness (or for ever, for an immutable tag), else revalidated with a
 *       {@code HEAD} that waits at most the upstream's timeout; a slow, dead, 5xx or 429 upstream gets the cached
 *       copy served (stale), never a hang.</li>
 *   <li>Blobs: see {@link BlobFills}; a {@code HEAD} of an uncached blob asks the upstream's {@code HEAD}.</li>
 *   <li>Tags lists and referrers are asked of the upstream, with what is here as the fallback.</li>
 * </ul>
 * An upstream's "no such thing" (404) is the client's 404; an upstream that cannot answer is 503 (429 with its
 * {@code Retry-After} when it rate-limits).
 */
public final class PullThrough {
    private static final Logger LOG = LoggerFactory.getLogger(PullThrough.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every manifest type a registry may hold; the upstream picks what it has. */
    static final String ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
            MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);

    private final Registry registry;
    private final BlobFills fills;
    private final TagFreshness freshness;
    private final LastPulled pulls;
    private final ReferrerCache referrers;
    private final int maxManifestBytes;

    PullThrough(Registry registry, BlobFills fills, LastPulled pulls, int maxManifestBytes) {
        this.registry = registry;
        this.fills = fills;
        this.pulls = pulls;
        this.freshness = new TagFreshness();
        this.referrers = new ReferrerCache();
        this.maxManifestBytes = maxManifestBytes;
    }

    // ---------------------------------------------------------------- manifests

    /**
     * The manifest {@code reference} names in the target's repository, from the cache or the upstream; {@code pull}
     * (a client's GET, not a HEAD) publishes it as a pull.
     */
    public Future<StoredManifest> manifest(CacheTarget target, Reference reference, boolean pull) {
        return registry.manifests().get(target.localName(), reference)
                .compose(cached -> reference.isDigest() ? hit(target, cached) : cachedTag(target, reference, cached),
                        err -> isUnknown(err) ? fetchManifest(target, reference) : Future.failedFuture(err))
                .onSuccess(m -> {
                    pulls.record(target.localName(), m.digest());
                    if (pull) {
                        registry.manifests().pulled(target.localName(), reference, m);
                    }
                })
                .recover(err -> Future.failedFuture(forClient(target, err)));
    }

    private static <T> Future<T> hit(CacheTarget target, T value) {
        target.upstream().stats().hits.incrementAndGet();
        return Future.succeededFuture(value);
    }

    private Future<StoredManifest> cachedTag(CacheTarget target, Reference reference, StoredManifest cached) {
        Upstream upstream = target.upstream();
        Tag tag = reference.tag();
        if (upstream.isImmutable(tag) || freshness.isFresh(target, tag)) {
            return hit(target, cached);
        }
        upstream.stats().revalidations.incrementAndGet();
        return headManifest(target, tag.value()).compose(current -> {
            if (cached.digest().equals(current)) {
                freshness.validated(target, tag);
                return hit(target, cached);
            }
            // the tag moved upstream (or the upstream did not say where it points): fetch what it names now
            return fetchManifest(target, reference).recover(err -> isUnknown(err) ? Future.failedFuture(err) : stale(target, tag, cached, err));
        }, err -> isUnknown(err) ? Future.failedFuture(err) : stale(target, tag, cached, err));
    }

    private Future<StoredManifest> stale(CacheTarget target, Tag tag, StoredManifest cached, Throwable why) {
        target.upstream().stats().staleServes.incrementAndGet();
        target.upstream().stats().upstreamErrors.incrementAndGet();
        freshness.logStale(target, tag, why);
        return Future.succeededFuture(cached);
    }

    /** The digest the upstream's tag points at now (null when its answer does not say), with a short timeout. */
    private Future<Digest> headManifest(CacheTarget target, String tag) {
        UpstreamClient client = target.upstream().client();
        return client.send(HttpMethod.HEAD, target.remoteName(), manifestPath(target, tag), accept(), target.upstream().timeoutMillis())
                .compose(resp -> {
                    UpstreamClient.discard(resp);
                    if (resp.statusCode() == 404) {
                        return Future.failedFuture(RegistryException.of(ErrorCode.MANIFEST_UNKNOWN,
                                "upstream " + target.upstream().name() + " has no tag " + tag + " in " + target.remoteName()));
                    }
                    if (resp.statusCode() != 200) {
                        return Future.failedFuture(failed(target, resp));
                    }
                    String digest = resp.getHeader("Docker-Content-Digest");
                    return Future.succeededFuture(digest != null && Digest.looksLikeDigest(digest) ? Digest.parse(digest) : null);
                });
    }

    private Future<StoredManifest> fetchManifest(CacheTarget target, Reference reference) {
        Upstream upstream = target.upstream();
        upstream.stats().misses.incrementAndGet();
        String ref = reference.isDigest() ? reference.digest().toString() : reference.tag().value();
        return upstream.client().send(HttpMethod.GET, target.remoteName(), manifestPath(target, ref), accept(), upstream.readTimeoutMillis())
                .compose(resp -> {
                    if (resp.statusCode() != 200) {
                        UpstreamClient.discard(resp);
                        return Future.failedFuture(resp.statusCode() == 404
                                ? RegistryException.of(ErrorCode.MANIFEST_UNKNOWN, "upstream " + upstream.name() + " has no manifest "
                                + ref + " in " + target.remoteName())
                                : failed(target, resp));
                    }
                    String length = resp.getHeader("Content-Length");
                    if (length != null && length.length() < 12 && Long.parseLong(length) > maxManifestBytes) {
                        resp.request().reset();
                        return Future.failedFuture(new UpstreamException("the upstream's manifest is larger than manifests.maxBytes", 502, null));
                    }
                    return UpstreamClient.body(resp).compose(body -> store(target, reference, resp, body.getBytes()));
                });
    }

    private Future<StoredManifest> store(CacheTarget target, Reference reference, HttpClientResponse resp, byte[] body) {
        if (body.length > maxManifestBytes) {
            return Future.failedFuture(new UpstreamException("the upstream's manifest is larger than manifests.maxBytes", 502, null));
        }
        Digest digest = Digest.sha256(body);
        String advertised = resp.getHeader("Docker-Content-Digest");
        if (!reference.isDigest() && advertised != null && Digest.looksLikeDigest(advertised)
                && Digest.parse(advertised).algorithm() == Digest.Algorithm.SHA256 && !Digest.parse(advertised).equals(digest)) {
            return Future.failedFuture(new UpstreamException("the upstream sent a manifest whose digest is not the "
                    + advertised + " it said", 502, null));
        }
        target.upstream().stats().bytesFetched.addAndGet(body.length);
        String contentType = resp.getHeader("Content-Type");
        return registry.manifests().putFetched(target.localName(), reference, body, contentType).compose(pushed -> {
            if (!reference.isDigest()) {
                freshness.validated(target, reference.tag());
            }
            LOG.info("cached {}{} from {} ({} bytes)", target.localName(), reference.isDigest() ? "@" + reference.digest()
                    : ":" + reference.tag().value(), target.upstream().name(), body.length);
            return registry.manifests().get(target.localName(), Reference.parse(pushed.digest().toString()));
        });
    }

    // ---------------------------------------------------------------- blobs

    /**
     * Where the blob's bytes are: the stored file, a fill on its way in (the first request starts it, the others
     * join it), or, for a {@code HEAD} of a blob that is not here, only its size as the upstream states it.
     */
    public Future<BlobSource> blob(CacheTarget target, Digest digest, boolean head) {
        return registry.blobs().openOrAdopt(target.localName(), digest)
                .compose(source -> hit(target, source),
                        err -> !isUnknown(err) ? Future.failedFuture(err) : head ? headBlob(target, digest) : fills.fetch(target, digest))
                .recover(err -> Future.failedFuture(forClient(target, err)));
    }

    private Future<BlobSource> headBlob(CacheTarget target, Digest digest) {
        Long filling = fills.sizeIfFilling(digest);
        if (filling != null) {
            return Future.succeededFuture(new BlobSource.Remote(filling));
        }
        return target.upstream().client().send(HttpMethod.HEAD, target.remoteName(), "/v2/" + target.remoteName() + "/blobs/" + digest,
                null, target.upstream().timeoutMillis()).compose(resp -> {
                    UpstreamClient.discard(resp);
                    if (resp.statusCode() == 404) {
                        return Future.failedFuture(RegistryException.of(ErrorCode.BLOB_UNKNOWN, "upstream "
                                + target.upstream().name() + " has no blob " + digest + " in " + target.remoteName()));
                    }
                    String length = resp.getHeader("Content-Length");
                    if (resp.statusCode() != 200 || length == null) {
                        return Future.failedFuture(failed(target, resp));
                    }
                    return Future.succeededFuture(new BlobSource.Remote(Long.parseLong(length)));
                });
    }

    // ---------------------------------------------------------------- listings

    /** The upstream's tags of the repository (its pagination), or the cached ones when it cannot answer. */
    public Future<List<String>> tags(CacheTarget target, String last, int limit) {
        String path = "/v2/" + target.remoteName() + "/tags/list?n=" + limit + (last == null ? "" : "&last=" + encode(last));
        return target.upstream().client().send(HttpMethod.GET, target.remoteName(), path, null, target.upstream().timeoutMillis())
                .compose(resp -> UpstreamClient.body(resp).compose(body -> {
                    if (resp.statusCode() == 404) {
                        return Future.failedFuture(RegistryException.of(ErrorCode.NAME_UNKNOWN, "upstream "
                                + target.upstream().name() + " has no repository " + target.remoteName()));
                    }
                    if (resp.statusCode() != 200) {
                        return Future.failedFuture(failed(target, resp));
                    }
                    List<String> tags = new ArrayList<>();
                    try {
                        JSON.readTree(body.getBytes()).path("tags").forEach(t -> tags.add(t.asText()));
                    } catch (IOException e) {
                        return Future.failedFuture(new UpstreamException("the upstream's tag list is not JSON", 502, null));
                    }
                    return Future.succeededFuture(tags.size() > limit ? tags.subList(0, limit) : tags);
                }))
                .recover(err -> err instanceof RegistryException ? Future.failedFuture(err)
                        : registry.listings().tags(target.localName(), last, limit));
    }

    /**
     * The referrers of {@code subject}: the upstream's referrers API, or its tag-schema fallback
     * ({@code <alg>-<hex>} tag) where it has none, kept for the upstream's freshness and served stale when the
     * upstream cannot answer; what is stored here when nothing else is known.
     */
    public Future<List<JsonNode>> referrers(CacheTarget target, Digest subject, String artifactType) {
        List<JsonNode> fresh = referrers.get(target, subject, target.upstream().freshness());
        Future<List<JsonNode>> all = fresh != null ? Future.succeededFuture(fresh)
                : askReferrers(target, subject).onSuccess(list -> referrers.put(target, subject, list))
                .recover(err -> {
                    List<JsonNode> stale = referrers.get(target, subject, null);
                    return stale != null ? Future.succeededFuture(stale) : registry.listings().referrers(target.localName(), subject, null);
                });
        return all.map(list -> list.stream()
                .filter(d -> artifactType == null || artifactType.equals(d.path("artifactType").asText(null))).toList());
    }

    private Future<List<JsonNode>> askReferrers(CacheTarget target, Digest subject) {
        UpstreamClient client = target.upstream().client();
        long timeout = target.upstream().timeoutMillis();
        MultiMap index = MultiMap.caseInsensitiveMultiMap().add("Accept", MediaTypes.OCI_INDEX);
        return client.send(HttpMethod.GET, target.remoteName(), "/v2/" + target.remoteName() + "/referrers/" + subject, index, timeout)
                .compose(resp -> UpstreamClient.body(resp).compose(body -> {
                    if (resp.statusCode() == 200) {
                        return Future.succeededFuture(descriptors(body.getBytes()));
                    }
                    if (resp.statusCode() != 404) {
                        return Future.failedFuture(failed(target, resp));
                    }
                    String fallbackTag = subject.algorithm().prefix() + "-" + subject.hex();
                    return client.send(HttpMethod.GET, target.remoteName(), manifestPath(target, fallbackTag), index, timeout)
                            .compose(tagged -> UpstreamClient.body(tagged).compose(indexBody -> tagged.statusCode() == 200
                                    ? Future.succeededFuture(descriptors(indexBody.getBytes()))
                                    : tagged.statusCode() == 404 ? Future.succeededFuture(List.of())
                                    : Future.failedFuture(failed(target, tagged))));
                }));
    }

    private static List<JsonNode> descriptors(byte[] index) {
        List<JsonNode> found = new ArrayList<>();
        try {
            JSON.readTree(index).path("manifests").forEach(found::add);
        } catch (IOException e) {
            throw new UpstreamException("the upstream's referrers answer is not JSON", 502, null);
        }
        return found;
    }

    // ---------------------------------------------------------------- shared

    private static String manifestPath(CacheTarget target, String reference) {
        return "/v2/" + target.remoteName() + "/manifests/" + reference;
    }

    private static MultiMap accept() {
        return MultiMap.caseInsensitiveMultiMap().add("Accept", ACCEPT);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static boolean isUnknown(Throwable err) {
        return err instanceof RegistryException re && (re.code() == ErrorCode.MANIFEST_UNKNOWN
                || re.code() == ErrorCode.BLOB_UNKNOWN || re.code() == ErrorCode.NAME_UNKNOWN);
    }

    /** An upstream answer that is neither the thing nor a 404. */
    static UpstreamException failed(CacheTarget target, HttpClientResponse resp) {
        return new UpstreamException("upstream " + target.upstream().name() + " answered " + resp.statusCode(),
                resp.statusCode(), resp.getHeader("Retry-After"));
    }

    /** What the client is told when the upstream could not answer: 503, or 429 with its Retry-After. */
    static Throwable forClient(CacheTarget target, Throwable err) {
        if (!(err instanceof UpstreamException up)) {
            return err;
        }
        target.upstream().stats().upstreamErrors.incrementAndGet();
        LOG.warn("{} via {}: {}", target.localName(), target.upstream().name(), up.getMessage());
        if (up.status() == 429) {
            return RegistryException.retryLater(Problem.TOOMANYREQUESTS, up.getMessage(), retryAfterSeconds(up.retryAfter()));
        }
        return RegistryException.of(Problem.UNAVAILABLE, up.getMessage());
    }

    private static long retryAfterSeconds(String header) {
        try {
            return header == null ? 60 : Math.max(1, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return 60;
        }
    }
}
