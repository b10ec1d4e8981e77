package dev.wharf.storage.s3;

import dev.wharf.config.WharfConfig;
import dev.wharf.storage.BlobStore;
import dev.wharf.storage.GcLease;
import dev.wharf.storage.ReferrerStore;
import dev.wharf.storage.RepositoryStore;
import dev.wharf.storage.RevisionStore;
import dev.wharf.storage.TagStore;
import dev.wharf.storage.UploadStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The S3 driver's stores over one bucket, wired together; {@code dev.wharf.storage.Storage} builds this for {@code storage.driver: s3}. */
public final class S3Stores implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3Stores.class);

    private final S3Bucket bucket;
    private final S3BlobStore blobs;
    private final S3UploadStore uploads;
    private final S3RepositoryStore repositories;
    private final S3TagStore tags;
    private final S3RevisionStore revisions;
    private final S3ReferrerStore referrers;
    private final S3GcLease lease;
    private final boolean conditionalWrites;

    private S3Stores(S3Bucket bucket, WharfConfig.S3 config, Path spoolDir, Executor io, Duration uploadExpiry) throws IOException {
        this.bucket = bucket;
        Duration ttl = config.cacheTtlDuration();
        this.conditionalWrites = probeConditionalWrites(bucket);
        this.blobs = new S3BlobStore(bucket, ttl, config.redirect(), config.redirectExpiryDuration(), config.gcSettleDuration());
        this.uploads = new S3UploadStore(bucket, blobs, spoolDir, config.partSizeBytes(), conditionalWrites, io,
                new UploadIds(sharedUploadKey(bucket, conditionalWrites)), uploadExpiry, ttl);
        this.repositories = new S3RepositoryStore(bucket, ttl);
        this.tags = new S3TagStore(bucket, ttl);
        this.revisions = new S3RevisionStore(bucket, ttl);
        this.referrers = new S3ReferrerStore(bucket, ttl);
        this.lease = new S3GcLease(bucket);
    }

    /**
     * Connects to the bucket (and fails now if it cannot be reached); {@code spoolDir} holds uploads on their way,
     * {@code uploadExpiry} is {@code uploads.expiry}.
     */
    public static S3Stores open(WharfConfig.S3 config, Path spoolDir, Executor io, Duration uploadExpiry) throws IOException {
        S3Bucket bucket = S3Bucket.open(config);
        try {
            bucket.checkReachable();
            return new S3Stores(bucket, config, spoolDir, io, uploadExpiry);
        } catch (IOException | RuntimeException e) {
            bucket.close();
            throw e;
        }
    }

    /**
     * Whether the store refuses a second {@code If-None-Match: *} write: what keeps one garbage collector at a time
     * and a lost upload write from merging. Stores without it still work, with those two guarantees gone (logged).
     */
    private static boolean probeConditionalWrites(S3Bucket bucket) throws IOException {
        String key = "gc/probe-" + UUID.randomUUID();
        try {
            bucket.put(key, new byte[0], S3Bucket.Condition.ABSENT);
            try {
                bucket.put(key, new byte[0], S3Bucket.Condition.ABSENT);
            } catch (S3Bucket.PreconditionFailedException e) {
                return true;
            }
            LOG.warn("{} ignores conditional writes (If-None-Match): garbage collection is not kept to one replica at a "
                    + "time and concurrent writes to one upload are not detected; run gc on one replica only", bucket.describe());
            return false;
        } finally {
            bucket.delete(key);
        }
    }

    /**
     * The key that seals upload ids ({@link UploadIds}), the same on every replica: the bucket's, or a new one that
     * the first replica to start writes there (a write only the first wins, where the store has conditional writes;
     * without them two replicas starting at the same moment may each write one, and the last write is what all
     * read back here).
     */
    private static byte[] sharedUploadKey(S3Bucket bucket, boolean conditionalWrites) throws IOException {
        Optional<S3Bucket.Fetched> stored = bucket.get(S3Layout.UPLOAD_KEY);
        if (stored.isPresent()) {
            return stored.get().content();
        }
        try {
            bucket.put(S3Layout.UPLOAD_KEY, UploadIds.newKey(), conditionalWrites ? S3Bucket.Condition.ABSENT : S3Bucket.Condition.NONE);
        } catch (S3Bucket.PreconditionFailedException e) {
            // another replica's key was there first: it is the one read back below
        }
        return bucket.get(S3Layout.UPLOAD_KEY).orElseThrow(() -> new IOException(bucket.describe() + " lost its upload key "
                + S3Layout.UPLOAD_KEY + " just after it was written")).content();
    }

    /** Replaces the local key file with the bucket's shared one, if there is one; true when there was. */
    public boolean pullTokenKey(Path local) throws IOException {
        Optional<S3Bucket.Fetched> shared = bucket.get(S3Layout.TOKEN_KEY);
        if (shared.isEmpty()) {
            return false;
        }
        Files.createDirectories(local.getParent());
        Path temp = Files.createTempFile(local.getParent(), ".token-key", ".tmp");
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the folder's own protection has to do
        }
        Files.write(temp, shared.get().content());
        Files.move(temp, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    /**
     * Offers the local key file as the shared one (a write that only the first replica wins); false when another
     * replica's key was there first, which is then pulled into {@code local}.
     */
    public boolean offerTokenKey(Path local) throws IOException {
        try {
            bucket.put(S3Layout.TOKEN_KEY, Files.readAllBytes(local), S3Bucket.Condition.ABSENT);
            return true;
        } catch (S3Bucket.PreconditionFailedException e) {
            pullTokenKey(local);
            return false;
        }
    }

    /** Writes and removes this process's probe object: the bucket is there, reachable and writable with these credentials. */
    public void checkWritable() throws IOException {
        String key = S3Layout.HEALTH + PROBE_ID;
        bucket.put(key, new byte[0], S3Bucket.Condition.NONE);
        bucket.delete(key);
    }

    private static final String PROBE_ID = java.util.UUID.randomUUID().toString();

    public String describe() {
        return bucket.describe();
    }

    public boolean conditionalWrites() {
        return conditionalWrites;
    }

    public BlobStore blobs() {
        return blobs;
    }

    public UploadStore uploads() {
        return uploads;
    }

    public RepositoryStore repositories() {
        return repositories;
    }

    public TagStore tags() {
        return tags;
    }

    public RevisionStore revisions() {
        return revisions;
    }

    public ReferrerStore referrers() {
        return referrers;
    }

    public GcLease gcLease() {
        return conditionalWrites ? lease : GcLease.EXCLUSIVE_ROOT;
    }

    @Override
    public void close() {
        bucket.close();
    }
}
