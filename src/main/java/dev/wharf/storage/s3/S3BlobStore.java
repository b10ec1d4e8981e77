package dev.wharf.storage.s3;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.wharf.oci.Digest;
import dev.wharf.storage.BlobSource;
import dev.wharf.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs in the bucket, each once ({@code blobs/<alg>/<hex>}). Content never changes under a digest, so sizes are
 * cached for the TTL. Reads go to a presigned URL of the object: relayed by the HTTP layer (whose HTTP client moves the
 * bytes from the bucket's socket to the client's without the SDK's per-buffer pipeline), or the client is redirected
 * there.
 *
 * <p><b>Garbage collection across replicas.</b> No lock spans processes, so a sweep cannot delete atomically
 * with a push elsewhere that is about to reference the blob. Instead a push first writes the blob's
 * {@code touch/} marker (time = the bucket's clock), then looks for the blob; a sweep moves an old,
 * unreferenced blob to {@code trash/} and deletes it, and only after {@code gcSettle} looks at the markers again:
 * a blob touched since it was set aside goes back, the others are deleted for good. A push that finds the blob
 * in {@code trash/} brings it back itself. So a push that saw the blob either is seen by the settle step, or
 * came after it and found the blob gone (and the client uploads it again). docs/storage.md has the argument.
 */
final class S3BlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);
    /** LastModified has a resolution of a second on some stores: a touch this close to the set-aside counts as after. */
    private static final Duration CLOCK_GRAIN = Duration.ofSeconds(1);

    /** A blob a sweep set aside: when, and its marker's time as the sweep judged it old (null: it had none). */
    private record SetAside(Digest digest, Instant at, Instant touchSeen) {
    }

    /**
     * How long a URL the relay fetches from stays good; one is signed per blob and reused for a third of that,
     * so a pull costs no signing and a URL is never used near its end.
     */
    private static final Duration RELAY_URL_VALIDITY = Duration.ofMinutes(15);

    private final S3Bucket bucket;
    private final Cache<Digest, Long> sizes;
    private final Cache<Digest, URI> relayUrls = Caffeine.newBuilder().expireAfterWrite(RELAY_URL_VALIDITY.dividedBy(3))
            .maximumSize(10_000).build();
    private final boolean redirect;
    private final Duration redirectExpiry;
    private final Duration settle;
    private final Queue<SetAside> setAside = new ConcurrentLinkedQueue<>();

    S3BlobStore(S3Bucket bucket, Duration ttl, boolean redirect, Duration redirectExpiry, Duration settle) {
        this.bucket = bucket;
        this.sizes = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(200_000).build();
        this.redirect = redirect;
        this.redirectExpiry = redirectExpiry;
        this.settle = settle;
    }

    @Override
    public OptionalLong size(Digest digest) {
        Long known = sizes.getIfPresent(digest);
        if (known != null) {
            return OptionalLong.of(known);
        }
        try {
            Optional<S3Bucket.Head> head = bucket.head(S3Layout.blob(digest));
            if (head.isEmpty()) {
                return OptionalLong.empty();
            }
            sizes.put(digest, head.get().size());
            return OptionalLong.of(head.get().size());
        } catch (IOException e) {
            throw new dev.wharf.storage.StorageException("cannot read blob " + digest + " in " + bucket.describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(Digest digest) {
        return size(digest).isPresent();
    }

    @Override
    public Optional<BlobSource> source(Digest digest) {
        OptionalLong size = size(digest);
        if (size.isEmpty()) {
            return Optional.empty();
        }
        String key = S3Layout.blob(digest);
        if (redirect) {
            return Optional.of(new BlobSource.Redirect(size.getAsLong(), bucket.presignedGet(key, redirectExpiry)));
        }
        return Optional.of(new BlobSource.Relayed(size.getAsLong(), relayUrls.get(digest, d -> bucket.presignedGet(key, RELAY_URL_VALIDITY))));
    }

    @Override
    public InputStream openStream(Digest digest) throws IOException {
        return bucket.openStream(S3Layout.blob(digest)).orElseThrow(() -> new NoSuchFileException(S3Layout.blob(digest)));
    }

    @Override
    public boolean touchIfPresent(Digest digest) throws IOException {
        // The marker first: a sweep that set the blob aside before this sees it when it settles.
        bucket.put(S3Layout.touch(digest), new byte[0], S3Bucket.Condition.NONE);
        if (exists(digest)) {
            return true;
        }
        return restoreFromTrash(digest);
    }

    /** Writes the blob's {@code touch/} marker (a push's first step, see the class comment), without waiting. */
    java.util.concurrent.CompletableFuture<String> markAsync(Digest digest) {
        return bucket.putAsync(S3Layout.touch(digest), new byte[0], S3Bucket.Condition.NONE);
    }

    /** Whether this replica has seen the blob within the TTL (no request). */
    boolean knownPresent(Digest digest) {
        return sizes.getIfPresent(digest) != null;
    }

    /** Brings back a blob a sweep set aside; false when there is none to bring back. */
    private boolean restoreFromTrash(Digest digest) throws IOException {
        Optional<S3Bucket.Head> trashed = bucket.head(S3Layout.trash(digest));
        if (trashed.isEmpty()) {
            return false;
        }
        try {
            bucket.copy(S3Layout.trash(digest), S3Layout.blob(digest), trashed.get().size());
        } catch (S3Bucket.NotFound e) {
            return false; // the sweep settled it meanwhile: gone
        }
        sizes.put(digest, trashed.get().size());
        return true;
    }

    @Override
    public boolean put(Digest digest, byte[] content) throws IOException {
        if (touchIfPresent(digest)) {
            return false;
        }
        bucket.put(S3Layout.blob(digest), content, S3Bucket.Condition.NONE);
        sizes.put(digest, (long) content.length);
        return true;
    }

    /** Records the size of a blob an upload just stored. */
    void stored(Digest digest, long size) {
        sizes.put(digest, size);
    }

    @Override
    public byte[] read(Digest digest) throws IOException {
        return bucket.get(S3Layout.blob(digest)).orElseThrow(() -> new NoSuchFileException(S3Layout.blob(digest))).content();
    }

    @Override
    public Instant modified(Digest digest) throws IOException {
        S3Bucket.Head blob = bucket.head(S3Layout.blob(digest)).orElseThrow(() -> new NoSuchFileException(S3Layout.blob(digest)));
        return newest(blob, touchTime(digest));
    }

    private Optional<Instant> touchTime(Digest digest) throws IOException {
        return bucket.head(S3Layout.touch(digest)).map(S3Bucket.Head::lastModified);
    }

    private static Instant newest(S3Bucket.Head blob, Optional<Instant> touched) {
        return touched.filter(t -> t.isAfter(blob.lastModified())).orElse(blob.lastModified());
    }

    /**
     * Old by the bucket's clock, with a grain to spare: a HEAD's LastModified has whole seconds, so an object written
     * just after the run began (cutoff = its start less the grace period) can read as written just before it.
     */
    private boolean isOlderThan(Digest digest, Instant cutoff) throws IOException {
        try {
            return modified(digest).isBefore(cutoff.minus(CLOCK_GRAIN));
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Sets the blob aside (to {@code trash/}); {@link #settleSweep} deletes it, unless a push referenced it meanwhile.
     * The marker's time as judged here is kept: any push after this look writes a newer one, however long the
     * steps between take.
     */
    @Override
    public boolean deleteIfOlderThan(Digest digest, Instant cutoff) throws IOException {
        Optional<S3Bucket.Head> blob = bucket.head(S3Layout.blob(digest));
        if (blob.isEmpty()) {
            return false;
        }
        Optional<Instant> touched = touchTime(digest);
        if (!newest(blob.get(), touched).isBefore(cutoff.minus(CLOCK_GRAIN))) { // see isOlderThan
            return false;
        }
        bucket.copy(S3Layout.blob(digest), S3Layout.trash(digest), blob.get().size());
        Instant at = bucket.head(S3Layout.trash(digest)).map(S3Bucket.Head::lastModified).orElse(Instant.now());
        bucket.delete(S3Layout.blob(digest));
        sizes.invalidate(digest);
        setAside.add(new SetAside(digest, at, touched.orElse(null)));
        return true;
    }

    /**
     * Runs the action if the blob is old; across replicas this cannot exclude a push of the same content at that
     * moment (docs/storage.md says what that means for removing untagged manifests).
     */
    @Override
    public boolean runIfOlderThan(Digest digest, Instant cutoff, LockedAction action) throws IOException {
        if (!isOlderThan(digest, cutoff)) {
            return false;
        }
        action.run();
        return true;
    }

    @Override
    public boolean runIfAbsent(Digest digest, LockedAction action) throws IOException {
        if (exists(digest) || bucket.head(S3Layout.trash(digest)).isPresent()) {
            return false;
        }
        action.run();
        return true;
    }

    @Override
    public String quarantine(Digest digest) throws IOException {
        Optional<S3Bucket.Head> blob = bucket.head(S3Layout.blob(digest));
        if (blob.isEmpty()) {
            return null;
        }
        String to = "quarantine/" + digest.algorithm().prefix() + "/" + digest.hex();
        bucket.copy(S3Layout.blob(digest), to, blob.get().size());
        bucket.delete(S3Layout.blob(digest));
        sizes.invalidate(digest);
        return bucket.describe() + to;
    }

    @Override
    public List<Digest> list() throws IOException {
        List<Digest> all = new ArrayList<>();
        bucket.list(S3Layout.BLOBS, null, e -> {
            Digest d = S3Layout.digestOf(e.key(), S3Layout.BLOBS);
            if (d != null) {
                all.add(d);
            }
        });
        return all;
    }

    /** One listing, which carries every object's size, where a HEAD per blob would take a request each. */
    @Override
    public Map<Digest, Long> sizes(List<Digest> digests, LongConsumer each) throws IOException {
        Set<Digest> wanted = new HashSet<>(digests);
        Map<Digest, Long> all = new LinkedHashMap<>();
        bucket.list(S3Layout.BLOBS, null, e -> {
            Digest d = S3Layout.digestOf(e.key(), S3Layout.BLOBS);
            if (d != null && wanted.contains(d)) {
                all.put(d, e.size());
                each.accept(e.size());
            }
        });
        return all;
    }

    /**
     * Waits {@code gcSettle}, then deletes for good what the sweep set aside, except blobs whose marker shows a
     * push at or after the set-aside: those go back (the push may have recorded a reference to them).
     */
    @Override
    public List<Digest> settleSweep() throws IOException {
        List<Digest> restored = new ArrayList<>();
        if (setAside.isEmpty()) {
            return restored;
        }
        try {
            Thread.sleep(settle.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while garbage collection settled");
        }
        for (SetAside aside; (aside = setAside.poll()) != null; ) {
            Optional<Instant> touched = touchTime(aside.digest());
            // touched since the sweep judged it old (however long its steps took), or near the set-aside
            boolean pushedSince = touched.isPresent() && (aside.touchSeen() == null || touched.get().isAfter(aside.touchSeen())
                    || !touched.get().isBefore(aside.at().minus(CLOCK_GRAIN)));
            if (pushedSince) {
                if (!exists(aside.digest()) && restoreFromTrash(aside.digest())) {
                    LOG.info("garbage collection gave back {}: a push referenced it while it was set aside", aside.digest());
                }
                restored.add(aside.digest());
            } else {
                bucket.delete(S3Layout.touch(aside.digest()));
            }
            bucket.delete(S3Layout.trash(aside.digest()));
        }
        return restored;
    }
}
