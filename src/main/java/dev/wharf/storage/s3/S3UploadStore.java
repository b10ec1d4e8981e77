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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Upload sessions in the bucket ({@code uploads/<id>/...}): the state object, the multipart upload of whole
 * parts and the tail short of a part (see {@link UploadState}). Nothing of a session lives in one process, so the
 * start, the chunks and the finish of one upload may each reach a different replica. The bytes go through a local
 * spool ({@code <root>/spool}) only on their way to the bucket.
 */
final class S3UploadStore implements UploadStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3UploadStore.class);
    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final int ID_LENGTH = 36;
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
    /**
     * The state each session had when this replica last looked it up, for a moment: the PUT that finishes an
     * empty session with the whole blob decides on it without reading the state a second time.
     */
    private final Cache<String, UploadState> lookedUp = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(2))
            .maximumSize(10_000).build();
    /** Sessions this replica is writing now; another replica's concurrent write is caught by the conditional state write. */
    private final Set<String> writing = ConcurrentHashMap.newKeySet();

    /** The session's state and the ETag it was read at. */
    private record Read(UploadState state, String etag) {
    }

    S3UploadStore(S3Bucket bucket, S3BlobStore blobs, Path spoolDir, long partSize, boolean conditionalWrites, Executor io)
            throws IOException {
        this.bucket = bucket;
        this.blobs = blobs;
        this.spoolDir = spoolDir;
        this.partSize = partSize;
        this.conditionalWrites = conditionalWrites;
        this.io = io;
        Files.createDirectories(spoolDir);
    }

    @Override
    public UploadSession create(RepositoryName repository) throws IOException {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        // at once: an index entry without its state is purged as an orphan, a state without its entry by its expiry
        S3Bucket.await(CompletableFuture.allOf(
                bucket.putAsync(S3Layout.uploadIndexEntry(repository, id), new byte[0], S3Bucket.Condition.NONE),
                bucket.putAsync(S3Layout.uploadState(id), UploadState.fresh(repository.value(), now.toEpochMilli()).toJson(),
                        S3Bucket.Condition.NONE)));
        return new UploadSession(id, repository, now);
    }

    @Override
    public UploadSession get(RepositoryName repository, String id) throws IOException {
        UploadState state = read(repository, id).state();
        lookedUp.put(id, state);
        return new UploadSession(id, repository, Instant.ofEpochMilli(state.startedAtMillis()));
    }

    private Read read(RepositoryName repository, String id) throws IOException {
        if (id == null || !UUID_FORM.matcher(id).matches()) {
            throw UploadStateException.unknown();
        }
        Optional<Read> stored = readState(S3Layout.uploadState(id));
        if (stored.isEmpty() || !stored.get().state().repository().equals(repository.value())) {
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
                    etag = bucket.put(S3Layout.uploadState(session.id()), claimed.toJson(),
                            conditionalWrites ? S3Bucket.Condition.matching(read.etag()) : S3Bucket.Condition.NONE);
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
     * Removes the session: its multipart upload if still open, its tail, its index entry, and the state last (a
     * session half-deleted stays findable, and its purge finishes the job). No listing: the state names them all.
     */
    @Override
    public void delete(String id) throws IOException {
        lookedUp.invalidate(id);
        Optional<Read> stored = readState(S3Layout.uploadState(id));
        if (stored.isEmpty()) {
            return;
        }
        UploadState state = stored.get().state();
        List<String> keys = new ArrayList<>(List.of(S3Layout.uploadData(id),
                S3Layout.uploadIndexEntry(RepositoryName.parse(state.repository()), id)));
        if (state.tailSize() > 0) {
            keys.add(S3Layout.uploadTail(id, state.tailVersion()));
        }
        if (state.multipartId() != null) {
            bucket.abortMultipart(S3Layout.uploadData(id), state.multipartId()); // gone already once completed
        }
        bucket.deleteAll(keys);
        bucket.delete(S3Layout.uploadState(id));
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
        UploadState state = lookedUp.getIfPresent(id);
        if (state == null) {
            state = read(session.repository(), id).state();
        }
        if (state.size() > 0 || state.claimed(System.currentTimeMillis(), CLAIM_TIMEOUT.toMillis())) {
            return Optional.empty();
        }
        // the session holds nothing but its state and index entry: both go at once, no look at the state first
        return Optional.of(new S3WholeBlobWrite(bucket, blobs, digest, spoolDir, partSize, io, () -> {
            lookedUp.invalidate(id);
            return CompletableFuture.allOf(bucket.deleteAsync(S3Layout.uploadIndexEntry(session.repository(), id)),
                    bucket.deleteAsync(S3Layout.uploadState(id)));
        }));
    }

    @Override
    public int count(RepositoryName repository) {
        try {
            return bucket.list(S3Layout.uploadIndex(repository)).size();
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
     * Removes the uploads whose newest object is older than {@code expiry} (a write renews the state object), and
     * index entries left without their upload by a replica that died while deleting one.
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
        for (String id : expired) {
            delete(id);
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
        return expired.size();
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
