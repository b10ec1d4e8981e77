package dev.wharf.mirror;

import dev.wharf.manifest.Manifest;
import dev.wharf.manifest.ManifestParser;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.registry.Registry;
import dev.wharf.storage.Storage;
import dev.wharf.storage.StoredManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Keeps each upstream's cache within its limits: images (manifests) not pulled for {@code maxIdle} are evicted,
 * then, while the upstream's cached bytes exceed {@code maxBytes}, the least recently pulled ones, never one pulled
 * within the garbage collector's grace period. Eviction removes manifests only (through the registry service);
 * the blobs they alone referenced are reclaimed by the normal garbage collection, which spares blobs younger than
 * its grace period and whose fills are upload sessions it never touches. A cached name whose content was evicted
 * is fetched again on its next pull. Maintenance over the whole root, like GC: it reads the stores directly.
 */
final class CacheEviction {
    private static final Logger LOG = LoggerFactory.getLogger(CacheEviction.class);

    record Image(RepositoryName repository, Digest digest, long pulledAt, long bytes) {
    }

    private final Storage storage;
    private final Registry registry;
    private final LastPulled pulls;
    private final List<Upstream> upstreams;
    private final Duration gracePeriod;

    CacheEviction(Storage storage, Registry registry, LastPulled pulls, List<Upstream> upstreams, Duration gracePeriod) {
        this.storage = storage;
        this.registry = registry;
        this.pulls = pulls;
        this.upstreams = upstreams;
        this.gracePeriod = gracePeriod;
    }

    /** Evicts what the limits say; returns how many images went. Blocking. */
    int run() throws IOException {
        int evicted = 0;
        for (Upstream upstream : upstreams) {
            if (upstream.maxIdle().isZero() && upstream.maxBytes() == 0) {
                continue;
            }
            evicted += evict(upstream, images(upstream));
        }
        return evicted;
    }

    private int evict(Upstream upstream, List<Image> images) throws IOException {
        long now = System.currentTimeMillis();
        long idleBefore = upstream.maxIdle().isZero() ? Long.MIN_VALUE : now - upstream.maxIdle().toMillis();
        long spareAfter = now - gracePeriod.toMillis();
        long total = images.stream().mapToLong(Image::bytes).sum();
        int evicted = 0;
        long freed = 0;
        for (Image image : images) {
            boolean idle = image.pulledAt() < idleBefore;
            boolean over = upstream.maxBytes() > 0 && total > upstream.maxBytes() && image.pulledAt() < spareAfter;
            if (!idle && !over) {
                continue;
            }
            if (registry.manifests().evict(image.repository(), image.digest())) {
                pulls.forget(image.repository(), image.digest());
                total -= image.bytes();
                freed += image.bytes();
                evicted++;
                upstream.stats().evictions.incrementAndGet();
            }
        }
        if (evicted > 0) {
            LOG.info("evicted {} cached image(s) of {} ({} bytes; reclaimed by the next garbage collection), {} bytes left",
                    evicted, upstream.name(), freed, total);
        }
        return evicted;
    }

    /** The upstream's cached images, least recently pulled first. */
    List<Image> images(Upstream upstream) throws IOException {
        List<Image> images = new ArrayList<>();
        String prefix = upstream.prefix() + "/";
        for (String name : List.copyOf(storage.repositories().names())) {
            if (!name.startsWith(prefix)) {
                continue;
            }
            RepositoryName repository = RepositoryName.parse(name);
            for (Map.Entry<Digest, String> revision : storage.revisions().all(repository).entrySet()) {
                Digest digest = revision.getKey();
                images.add(new Image(repository, digest, pulls.get(repository, digest), bytes(repository, digest)));
            }
        }
        images.sort(Comparator.comparingLong(Image::pulledAt));
        return images;
    }

    /** The manifest's bytes and those of the blobs it references that are stored. */
    private long bytes(RepositoryName repository, Digest digest) throws IOException {
        StoredManifest stored = storage.manifests().get(repository, digest);
        if (stored == null) {
            return 0;
        }
        long bytes = stored.content().length;
        Manifest manifest = ManifestParser.parse(stored.content(), stored.mediaType());
        for (Digest blob : manifest.requiredBlobs()) {
            bytes += storage.blobs().size(blob).orElse(0);
        }
        return bytes;
    }
}
