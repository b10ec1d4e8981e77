package dev.wharf.gc;

import dev.wharf.error.Problem;
import dev.wharf.error.RegistryException;
import dev.wharf.manifest.Descriptor;
import dev.wharf.manifest.Manifest;
import dev.wharf.manifest.ManifestParser;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;
import dev.wharf.storage.BlobStore;
import dev.wharf.storage.GcLease;
import dev.wharf.storage.ManifestStore;
import dev.wharf.storage.Progress;
import dev.wharf.storage.ReferrerStore;
import dev.wharf.storage.RepositoryStore;
import dev.wharf.storage.RevisionStore;
import dev.wharf.storage.Storage;
import dev.wharf.storage.StoredManifest;
import dev.wharf.storage.TagStore;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mark and sweep over one storage root, safe beside concurrent pushes and pulls:
 * <ol>
 *   <li>retention: tags that their repository's policy expires are untagged;</li>
 *   <li>mark: per repository, the kept manifests are those its tags reach, through index children and
 *       referrers (manifests whose subject is kept), plus every manifest younger than the grace period, plus,
 *       without {@code untagged}, every manifest it holds; their configs, layers and own bytes are live;</li>
 *   <li>with {@code untagged}, the manifests not kept are removed, with their referrer records;</li>
 *   <li>sweep: every stored blob that is not live and is older than the grace period is deleted;</li>
 *   <li>repository links to blobs that are gone are removed.</li>
 * </ol>
 * Each removal goes through the blob store's per-digest lock and re-checks the age there, so that a push
 * that touched the content after the mark phase wins (see {@link BlobStore}). Blocking; one run at a time.
 */
public final class GarbageCollector {
    /** How long a run's lease lasts unless renewed: a replica that dies mid-run holds up the others this long at most. */
    static final Duration LEASE_VALIDITY = Duration.ofMinutes(10);

    private final Storage storage;
    private final ReentrantLock running = new ReentrantLock();
    private volatile boolean cancelled;

    public GarbageCollector(Storage storage) {
        this.storage = storage;
    }

    /** Runs a collection; refuses (409) while another one is running on this store. */
    public GcReport run(GcOptions options, Progress progress) throws IOException {
        if (!running.tryLock()) {
            throw RegistryException.retryLater(Problem.UNAVAILABLE, "garbage collection is already running", 60);
        }
        try {
            GcLease lease = storage.gcLease();
            if (!lease.tryAcquire(LEASE_VALIDITY)) {
                throw RegistryException.retryLater(Problem.UNAVAILABLE, "garbage collection is running on another replica ("
                        + lease.holder() + ")", 60);
            }
            try {
                return new Pass(options, progress, lease).run();
            } finally {
                lease.release();
            }
        } finally {
            running.unlock();
        }
    }

    /** Makes a run in progress stop at its next step (the server is shutting down). */
    public void cancel() {
        cancelled = true;
    }

    /** The state of one run. */
    private final class Pass {
        private final GcOptions options;
        private final Progress progress;
        private final long startedAt = System.nanoTime();
        private final Instant now = Instant.now();
        private final Instant cutoff;
        private final BlobStore blobs = storage.blobs();
        private final ManifestStore manifests = storage.manifests();
        private final TagStore tags = storage.tags();
        private final RevisionStore revisions = storage.revisions();
        private final ReferrerStore referrers = storage.referrers();
        private final RepositoryStore repositories = storage.repositories();
        private final Set<Digest> live = new HashSet<>();
        private final List<String> tagsRemoved = new ArrayList<>();
        private final List<String> manifestsRemoved = new ArrayList<>();
        private final List<String> blobsRemoved = new ArrayList<>();
        private final Set<Digest> blobsRemovedSet = new HashSet<>();
        private long bytesFreed;
        private int youngSpared;
        private int linksRemoved;

        private final GcLease lease;
        private long leaseRenewedAt = System.nanoTime();

        Pass(GcOptions options, Progress progress, GcLease lease) {
            this.options = options;
            this.progress = progress;
            this.lease = lease;
            this.cutoff = now.minus(options.gracePeriod());
        }

        GcReport run() throws IOException {
            List<RepositoryName> names = repositories.names().stream().map(RepositoryName::parse).toList();
            progress.begin("mark", "repositories", names.size(), 0);
            for (RepositoryName repository : names) {
                checkCancelled();
                renewLease();
                Map<String, Digest> tags = applyRetention(repository);
                markRepository(repository, tags);
                progress.advance(1, 0);
            }
            progress.end();
            List<Digest> stored = blobs.list();
            sweep(stored);
            removeDanglingLinks(names);
            return new GcReport(options.dryRun(), options.untagged(), options.gracePeriod().toSeconds(),
                    (System.nanoTime() - startedAt) / 1_000_000, tagsRemoved, manifestsRemoved, blobsRemoved,
                    bytesFreed, stored.size(), stored.size() - blobsRemoved.size(), youngSpared, linksRemoved);
        }

        /** Keeps the lease while the run lasts: renewed once a third of its validity has passed. */
        private void renewLease() throws IOException {
            if (System.nanoTime() - leaseRenewedAt > LEASE_VALIDITY.toNanos() / 3) {
                lease.renew(LEASE_VALIDITY);
                leaseRenewedAt = System.nanoTime();
            }
        }

        /** Untags what the repository's policy expires; returns the tags left (as they would be, in a dry run). */
        private Map<String, Digest> applyRetention(RepositoryName repository) throws IOException {
            Map<String, Digest> current = tags.all(repository);
            RetentionPolicy policy = RetentionPolicy.forRepository(options.retention(), repository);
            if (policy == null || current.isEmpty()) {
                return current;
            }
            Map<String, Instant> pushedAt = new HashMap<>();
            for (String tag : current.keySet()) {
                Instant at = tags.pushedAt(repository, new Tag(tag));
                if (at != null) { // else untagged meanwhile: nothing to expire
                    pushedAt.put(tag, at);
                }
            }
            Map<String, Digest> left = new HashMap<>(current);
            for (String tag : policy.expired(pushedAt, now)) {
                // A push may have moved the tag since it was read; then it is a new tag and stays.
                if (options.dryRun() || current.get(tag).equals(tags.resolve(repository, new Tag(tag)))) {
                    if (!options.dryRun()) {
                        tags.untag(repository, new Tag(tag));
                    }
                    left.remove(tag);
                    tagsRemoved.add(repository + ":" + tag);
                }
            }
            return options.dryRun() ? left : tags.all(repository);
        }

        private void markRepository(RepositoryName repository, Map<String, Digest> tagged) throws IOException {
            Map<Digest, Manifest> parsed = new HashMap<>();
            Map<Digest, List<Digest>> referrersOf = new HashMap<>();
            Deque<Digest> roots = new ArrayDeque<>(tagged.values());
            for (Digest revision : revisions.all(repository).keySet()) {
                Manifest manifest = parse(repository, revision);
                if (manifest == null) {
                    // unreadable or gone (quarantined): keep its record, verify reports it
                    roots.add(revision);
                    continue;
                }
                parsed.put(revision, manifest);
                if (manifest.subject() != null) {
                    referrersOf.computeIfAbsent(manifest.subject().digest(), d -> new ArrayList<>()).add(revision);
                }
                if (!options.untagged() || isYoung(revision)) {
                    roots.add(revision);
                }
            }
            Set<Digest> kept = closure(roots, parsed, referrersOf);
            if (options.untagged()) {
                Set<Digest> spared = removeUnreached(repository, parsed, kept);
                kept.addAll(closure(new ArrayDeque<>(spared), parsed, referrersOf));
            }
            for (Digest manifest : kept) {
                live.add(manifest);
                Manifest m = parsed.get(manifest);
                if (m != null) {
                    live.addAll(m.requiredBlobs());
                }
            }
        }

        /** Everything reachable from {@code roots} through index children and referrers. */
        private Set<Digest> closure(Deque<Digest> roots, Map<Digest, Manifest> parsed, Map<Digest, List<Digest>> referrersOf) {
            Set<Digest> kept = new HashSet<>();
            while (!roots.isEmpty()) {
                Digest d = roots.pop();
                if (!kept.add(d)) {
                    continue;
                }
                Manifest m = parsed.get(d);
                if (m != null) {
                    for (Descriptor child : m.manifests()) {
                        roots.push(child.digest());
                    }
                }
                roots.addAll(referrersOf.getOrDefault(d, List.of()));
            }
            return kept;
        }

        /**
         * Removes the manifests nothing keeps; returns those spared because a push touched them after the mark
         * phase (their content must then be marked too).
         */
        private Set<Digest> removeUnreached(RepositoryName repository, Map<Digest, Manifest> parsed, Set<Digest> kept)
                throws IOException {
            Set<Digest> spared = new HashSet<>();
            for (Map.Entry<Digest, Manifest> e : parsed.entrySet()) {
                Digest digest = e.getKey();
                if (kept.contains(digest)) {
                    continue;
                }
                checkCancelled();
                boolean removed = options.dryRun() ? !isYoung(digest)
                        : blobs.runIfOlderThan(digest, cutoff, () -> removeManifest(repository, digest, e.getValue()));
                if (removed) {
                    manifestsRemoved.add(repository + "@" + digest);
                } else {
                    spared.add(digest);
                }
            }
            return spared;
        }

        private void removeManifest(RepositoryName repository, Digest digest, Manifest manifest) throws IOException {
            manifests.delete(repository, digest);
            if (manifest.subject() != null) {
                referrers.remove(repository, manifest.subject().digest(), digest);
            }
        }

        private void sweep(List<Digest> stored) throws IOException {
            List<Digest> candidates = stored.stream().filter(d -> !live.contains(d)).toList();
            progress.begin("sweep", "blobs", candidates.size(), 0);
            for (Digest digest : candidates) {
                checkCancelled();
                long size = blobs.size(digest).orElse(0);
                boolean removed = options.dryRun() ? !isYoung(digest) : blobs.deleteIfOlderThan(digest, cutoff);
                if (removed) {
                    blobsRemoved.add(digest.toString());
                    blobsRemovedSet.add(digest);
                    bytesFreed += size;
                } else if (blobs.exists(digest)) {
                    youngSpared++;
                }
                progress.advance(1, size);
            }
            progress.end();
            if (!options.dryRun()) {
                for (Digest given : blobs.settleSweep()) {
                    // a push on another replica referenced it while it was set aside: it stays
                    if (blobsRemovedSet.remove(given)) {
                        blobsRemoved.remove(given.toString());
                        bytesFreed -= blobs.size(given).orElse(0);
                    }
                }
            }
        }

        /** Drops repository links to blobs that are gone (swept now, or quarantined by verify). */
        private void removeDanglingLinks(List<RepositoryName> names) throws IOException {
            for (RepositoryName repository : names) {
                for (Digest digest : repositories.linkedBlobs(repository)) {
                    checkCancelled();
                    boolean gone = options.dryRun() ? blobsRemovedSet.contains(digest) || !blobs.exists(digest)
                            // under the digest's lock, so a blob committed right now keeps its fresh link
                            : blobs.runIfAbsent(digest, () -> repositories.unlinkBlob(repository, digest));
                    if (gone) {
                        linksRemoved++;
                    }
                }
            }
        }

        private Manifest parse(RepositoryName repository, Digest digest) throws IOException {
            StoredManifest stored = manifests.get(repository, digest);
            if (stored == null) {
                return null;
            }
            try {
                return ManifestParser.parse(stored.content(), stored.mediaType());
            } catch (RegistryException unreadable) {
                return null;
            }
        }

        private boolean isYoung(Digest digest) throws IOException {
            try {
                return !blobs.modified(digest).isBefore(cutoff);
            } catch (NoSuchFileException e) {
                return false;
            }
        }

        private void checkCancelled() {
            if (cancelled) {
                throw new CancellationException("garbage collection stopped: the server is shutting down");
            }
        }
    }
}
