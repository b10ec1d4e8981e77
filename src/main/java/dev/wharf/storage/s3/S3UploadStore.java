package dev.wharf.storage.s3;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.wharf.error.Problem;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.UploadAppender;
import dev.wharf.storage.UploadSession;
import dev.wharf.storage.UploadStateException;
import dev.wharf.storage.UploadStore;
import dev.wharf.storage.WholeBlobWrite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Upload sessions in the bucket ({@code uploads/<id>/...}): the state object, the multipart upload of whole
 * parts and the tail short of a part (see {@link UploadState}). Nothing of a session lives in one process, so the
 * start, the chunks and the finish of one upload may each reach a different replica. The bytes go through a local
 * spool ({@code <root>/spool}) only on their way to the bucket.
 *
 * <p>Starting a session writes nothing: its id proves itself ({@link UploadIds}), and a session with no state
 * object is one with no bytes yet, valid until {@code uploads.expiry} after its start (as the purge would remove it
 * then). The state and the repository's index entry appear with the first write; a finished or cancelled session
 * leaves an ended state, so that its id stays unknown until the purge. The per-repository cap counts the sessions
 * that hold a state, from a listing this replica reuses for the cache TTL.
 */
final class S3UploadStore implements UploadStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3UploadStore.class);
    private static final int ID_LENGTH = UploadIds.LENGTH;
    /**
     * How long a writer's claim on an upload holds without a sign of life (it renews it with every part it sends):
     * after that, a replica that died mid-write no longer keeps the upload from its client's retry.
     */
    static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(2);
    /** How long a write waits for another's claim to go before it is refused. */
    private static final Duration CLAIM_WAIT = Duration.ofSeconds(3);

    private final S3Bucket bucket;
    private final S3BlobStore blobs;
    private final Path spoolDir;
    private final long partSize;
    private final boolean conditionalWrites;
    private final Executor io;
    private final UploadIds ids;
    private final Duration expiry;
    /**
     * The state each session had when this replica last looked it up, for a moment: the PUT that finishes an
     * empty session with the whole blob decides on it without reading the state a second time.
     */
    private final Cache<String, Read> lookedUp = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(2))
            .maximumSize(10_000).build();
    /** Sessions holding a state, per repository, as last listed (this replica's own starts and ends drop the entry). */
    private final Cache<RepositoryName, Integer> counts;
    /** Sessions this replica is writing now; another replica's concurrent write is caught by the conditional state write. */
    private final Set<String> writing = ConcurrentHashMap.newKeySet();

    /** The session's state and the ETag it was read at; no ETag: a session not written to yet, with no state object. */
    private record Read(UploadState state, String etag) {
        boolean written() {
            return etag != null;
        }
    }

    /**
     * @param ids    the bucket's upload ids
     * @param expiry {@code uploads.expiry}: how long a session that was never written to stays valid
     * @param ttl    how long a listing of a repository's sessions is reused for its cap
     */
    S3UploadStore(S3Bucket bucket, S3BlobStore blobs, Path spoolDir, long partSize, boolean conditionalWrites, Executor io,
                  UploadIds ids, Duration expiry, Duration ttl) throws IOException {
        this.bucket = bucket;
        this.blobs = blobs;
        this.spoolDir = spoolDir;
        this.partSize = partSize;
        this.conditionalWrites = conditionalWrites;
        this.io = io;
        this.ids = ids;
        this.expiry = expiry;
        this.counts = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(10_000).build();
        Files.createDirectories(spoolDir);
    }

    /** No request to the bucket: the id is all there is of a session until its first bytes. */
    @Override
    public UploadSession create(RepositoryName repository) {
        long now = System.currentTimeMillis();
        return new UploadSession(ids.issue(repository, now), repository, Instant.ofEpochMilli(now));
    }

    @Override
    public UploadSession get(RepositoryName repository, String id) throws IOException {
        Read read = read(repository, id);
        lookedUp.put(id, read);
        return new UploadSession(id, repository, Instant.ofEpochMilli(read.state().startedAtMillis()));
    }

    private Read read(RepositoryName repository, String id) throws IOException {
        OptionalLong issued = ids.issuedAt(repository, id);
        if (issued.isEmpty()) {
            throw UploadStateException.unknown();
        }
        Optional<Read> stored = readState(S3Layout.uploadState(id));
        if (stored.isEmpty()) {
            // never written to: abandoned once older than the expiry, as the purge would have removed it by then
            if (System.currentTimeMillis() - issued.getAsLong() > expiry.toMillis()) {
                throw UploadStateException.unknown();
            }
            return new Read(UploadState.fresh(repository.value(), issued.getAsLong()), null);
        }
        UploadState state = stored.get().state();
        if (state.ended() || !state.repository().equals(repository.value())) {
            throw UploadStateException.unknown();
        }
        return stored.get();
    }

    /**
     * The state object and its ETag. A body that is not whole JSON is read again a few times: S3 shows an
     * overwrite whole or not at all, but S3Mock was seen serving a state object while another request rewrote it
     * (a truncated body, under load, in CI); a store that does so settles within milliseconds.
     */
    private Optional<Read> readState(String key) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Optional<S3Bucket.Fetched> stored = bucket.get(key);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Read(UploadState.fromJson(stored.get().content()), stored.get().etag()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException torn) {
                if (attempt == 5) {
                    throw new IOException("the upload state " + key + " stays unreadable: " + torn.getOriginalMessage(), torn);
                }
                try {
                    Thread.sleep(20L * attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while reading " + key);
                }
            }
        }
    }

    @Override
    public Path dataPath(String id) {
        throw new UnsupportedOperationException("the S3 driver keeps no upload in a local file");
    }

    @Override
    public long size(UploadSession session) throws IOException {
        return read(session.repository(), session.id()).state().size();
    }

    /**
     * Claims the upload for one write. A claim still held (a write on this or another replica, or one that is
     * just rolling back after its client went away) is waited for a moment before the answer is BUSY: a client
     * that retries at once after a cut connection then goes on where the upload stands.
     */
    @Override
    public UploadAppender appender(UploadSession session, long expectedOffset) throws IOException {
        long deadline = System.nanoTime() + CLAIM_WAIT.toNanos();
        while (!writing.add(session.id())) {
            pauseOrBusy(deadline);
        }
        try {
            while (true) {
                Read read = read(session.repository(), session.id());
                long now = System.currentTimeMillis();
                if (read.state().claimed(now, CLAIM_TIMEOUT.toMillis())) {
                    pauseOrBusy(deadline);
                    continue;
                }
                long size = read.state().size();
                if (expectedOffset >= 0 && expectedOffset != size) {
                    throw new UploadStateException(UploadStateException.Kind.OFFSET,
                            "chunk starts at " + expectedOffset + " but the upload has " + size + " bytes", size);
                }
                UploadState claimed = read.state().claimedBy(UUID.randomUUID().toString(), now);
                String etag;
                try {
                    etag = claim(session, read, claimed);
                } catch (S3Bucket.PreconditionFailedException e) {
                    pauseOrBusy(deadline); // another replica claimed it first: wait for it like for any writer
                    continue;
                }
                return new S3UploadAppender(bucket, session.id(), claimed, etag, conditionalWrites, spoolDir, partSize, io,
                        () -> writing.remove(session.id()));
            }
        } catch (IOException | RuntimeException e) {
            writing.remove(session.id());
            throw e;
        }
    }

    /**
     * Writes the claim over the state it was read from. A session's first claim also brings it into existence: the
     * state (only if there is none yet) and the repository's index entry, at once (an index entry without its state
     * is purged as an orphan, a state without its entry by its expiry).
     */
    private String claim(UploadSession session, Read read, UploadState claimed) throws IOException {
        String key = S3Layout.uploadState(session.id());
        if (read.written()) {
            return bucket.put(key, claimed.toJson(),
                    conditionalWrites ? S3Bucket.Condition.matching(read.etag()) : S3Bucket.Condition.NONE);
        }
        counts.invalidate(session.repository());
        CompletableFuture<Void> entry = bucket.putAsync(S3Layout.uploadIndexEntry(session.repository(), session.id()), new byte[0],
                S3Bucket.Condition.NONE).thenApply(etag -> null);
        CompletableFuture<String> state = bucket.putAsync(key, claimed.toJson(),
                conditionalWrites ? S3Bucket.Condition.ABSENT : S3Bucket.Condition.NONE);
        S3Bucket.await(CompletableFuture.allOf(entry, state).exceptionally(e -> null));
        S3Bucket.await(entry);
        return S3Bucket.await(state);
    }

    private static void pauseOrBusy(long deadline) throws UploadStateException {
        if (System.nanoTime() > deadline) {
            throw new UploadStateException(UploadStateException.Kind.BUSY, "another request is writing to this upload", -1);
        }
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UploadStateException(UploadStateException.Kind.BUSY, "interrupted while waiting for the upload", -1);
        }
    }

    @Override
    public Digest digest(UploadSession session, Digest.Algorithm algorithm) throws IOException {
        if (algorithm != Digest.Algorithm.SHA256) {
            // as Distribution's S3 driver: the bucket keeps one resumable hash state, SHA-256's
            throw RegistryException.of(Problem.DIGEST_ALGORITHM_UNSUPPORTED,
                    "uploads on the S3 driver are verified by sha256 only; finish this one with its sha256 digest");
        }
        UploadState state = read(session.repository(), session.id()).state();
        return Digest.of(algorithm, SavableSha256.restore(state.hash()).digest());
    }

    /**
     * Assembles the upload (the tail becomes the last part) and copies it to the blob's key. A blob already
     * stored under the digest is kept as it is: the same digest is the same bytes.
     */
    @Override
    public void commit(UploadSession session, Digest digest) throws IOException {
        UploadState state = read(session.repository(), session.id()).state();
        if (blobs.touchIfPresent(digest)) {
            return;
        }
        String id = session.id();
        String blob = S3Layout.blob(digest);
        if (state.parts().isEmpty()) {
            if (state.tailSize() == 0) {
                bucket.put(blob, new byte[0], S3Bucket.Condition.NONE);
            } else {
                bucket.copy(S3Layout.uploadTail(id, state.tailVersion()), blob, state.tailSize());
            }
        } else {
            List<CompletedPart> parts = new ArrayList<>();
            for (UploadState.Part p : state.parts()) {
                parts.add(CompletedPart.builder().partNumber(p.number()).eTag(p.etag()).build());
            }
            if (state.tailSize() > 0) {
                parts.add(sendTailAsLastPart(id, state));
            }
            bucket.completeMultipart(S3Layout.uploadData(id), state.multipartId(), parts);
            bucket.copy(S3Layout.uploadData(id), blob, state.size());
        }
        blobs.stored(digest, state.size());
    }

    /** The last part may be smaller than S3's minimum: the tail goes in as it is. */
    private CompletedPart sendTailAsLastPart(String id, UploadState state) throws IOException {
        Path local = Files.createTempFile(spoolDir, id + "-", ".last");
        try {
            if (!bucket.download(S3Layout.uploadTail(id, state.tailVersion()), local)) {
                throw new IOException("upload " + id + " lost its tail object");
            }
            int number = state.parts().size() + 1;
            String etag = S3Bucket.await(bucket.uploadPart(S3Layout.uploadData(id), state.multipartId(), number, local, 0, state.tailSize()));
            return CompletedPart.builder().partNumber(number).eTag(etag).build();
        } finally {
            Files.deleteIfExists(local);
        }
    }

    /**
     * Ends the session: its multipart upload if still open, its tail and its index entry go, and the state becomes
     * an ended one last (a session half-ended stays findable, and its purge finishes the job). No listing: the
     * state names them all.
     */
    @Override
    public void delete(String id) throws IOException {
        removeParts(id);
        bucket.put(S3Layout.uploadState(id), UploadState.ended(System.currentTimeMillis()).toJson(), S3Bucket.Condition.NONE);
    }

    /**
     * What the purge does to an expired session: as {@link #delete}, and the state goes too; true when it was an
     * upload still open (not an ended one's record).
     */
    private boolean remove(String id) throws IOException {
        boolean open = removeParts(id);
        bucket.delete(S3Layout.uploadState(id));
        return open;
    }

    /** Removes all of the session but its state; false when there was nothing (no state, or an ended one). */
    private boolean removeParts(String id) throws IOException {
        lookedUp.invalidate(id);
        Optional<Read> stored = readState(S3Layout.uploadState(id));
        if (stored.isEmpty() || stored.get().state().ended()) {
            return false;
        }
        UploadState state = stored.get().state();
        RepositoryName repository = RepositoryName.parse(state.repository());
        counts.invalidate(repository);
        List<String> keys = new ArrayList<>(List.of(S3Layout.uploadData(id), S3Layout.uploadIndexEntry(repository, id)));
        if (state.tailSize() > 0) {
            keys.add(S3Layout.uploadTail(id, state.tailVersion()));
        }
        if (state.multipartId() != null) {
            bucket.abortMultipart(S3Layout.uploadData(id), state.multipartId()); // gone already once completed
        }
        bucket.deleteAll(keys);
        return true;
    }

    /**
     * A monolithic push goes straight to the blob's key ({@link S3WholeBlobWrite}); a session takes that way only
     * while it holds no bytes and no writer.
     */
    @Override
    public Optional<WholeBlobWrite> writeWhole(UploadSession session, Digest digest) throws IOException {
        if (session == null) {
            return Optional.of(new S3WholeBlobWrite(bucket, blobs, digest, spoolDir, partSize, io,
                    () -> CompletableFuture.completedFuture(null)));
        }
        String id = session.id();
        Read read = lookedUp.getIfPresent(id);
        if (read == null) {
            read = read(session.repository(), id);
        }
        UploadState state = read.state();
        if (state.size() > 0 || state.claimed(System.currentTimeMillis(), CLAIM_TIMEOUT.toMillis())) {
            return Optional.empty();
        }
        // the session holds nothing but (if it was ever written to) its state and index entry: it ends at once
        boolean written = read.written();
        return Optional.of(new S3WholeBlobWrite(bucket, blobs, digest, spoolDir, partSize, io, () -> {
            lookedUp.invalidate(id);
            CompletableFuture<String> ended = bucket.putAsync(S3Layout.uploadState(id),
                    UploadState.ended(System.currentTimeMillis()).toJson(), S3Bucket.Condition.NONE);
            if (!written) {
                return ended.thenApply(etag -> null);
            }
            counts.invalidate(session.repository());
            return CompletableFuture.allOf(ended, bucket.deleteAsync(S3Layout.uploadIndexEntry(session.repository(), id)));
        }));
    }

    @Override
    public int count(RepositoryName repository) {
        try {
            Integer listed = counts.getIfPresent(repository);
            if (listed == null) {
                listed = bucket.list(S3Layout.uploadIndex(repository)).size();
                counts.put(repository, listed);
            }
            return listed;
        } catch (IOException e) {
            throw new dev.wharf.storage.StorageException("cannot count the uploads in " + bucket.describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long bytesInProgress() throws IOException {
        long total = 0;
        for (S3Bucket.Entry e : bucket.list(S3Layout.UPLOADS)) {
            if (e.key().endsWith("/state")) {
                Optional<Read> stored = readState(e.key());
                if (stored.isPresent()) {
                    total += stored.get().state().size();
                }
            }
        }
        return total;
    }

    /**
     * Removes the uploads whose newest object is older than {@code expiry} (a write renews the state object), the
     * records of ended ones as old, and index entries left without their upload by a replica that died while
     * deleting one. Counts the uploads that were still open.
     */
    @Override
    public int purgeAbandoned(Duration expiry) throws IOException {
        Instant cutoff = Instant.now().minus(expiry);
        Map<String, Instant> newest = new HashMap<>();
        for (S3Bucket.Entry e : bucket.list(S3Layout.UPLOADS)) {
            String rest = e.key().substring(S3Layout.UPLOADS.length());
            if (rest.length() >= ID_LENGTH) {
                newest.merge(rest.substring(0, ID_LENGTH), e.lastModified(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        Set<String> expired = new HashSet<>();
        newest.forEach((id, at) -> {
            if (at.isBefore(cutoff) && !writing.contains(id)) {
                expired.add(id);
            }
        });
        int purged = 0;
        for (String id : expired) {
            if (remove(id)) {
                purged++;
            }
        }
        List<String> orphans = new ArrayList<>();
        for (S3Bucket.Entry e : bucket.list(S3Layout.UPLOAD_INDEX)) {
            String id = e.key().substring(e.key().lastIndexOf('/') + 1);
            if (!newest.containsKey(id) && e.lastModified().isBefore(cutoff)) {
                orphans.add(e.key());
            }
        }
        bucket.deleteAll(orphans);
        abortStaleBlobWrites(cutoff);
        return purged;
    }

    /**
     * Aborts the multipart uploads that monolithic pushes left on {@code blobs/} keys when their replica died (a
     * live one finishes or aborts its own within the request). A store that cannot list multipart uploads keeps
     * them (the bucket's lifecycle rule for incomplete uploads then takes them, see docs/storage.md).
     */
    private void abortStaleBlobWrites(Instant cutoff) {
        try {
            for (S3Bucket.PendingUpload u : bucket.listMultipart(S3Layout.BLOBS)) {
                if (u.initiated().isBefore(cutoff)) {
                    bucket.abortMultipart(u.key(), u.uploadId());
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list the incomplete multipart uploads under {}: {}", S3Layout.BLOBS, e.getMessage());
        }
    }
}
