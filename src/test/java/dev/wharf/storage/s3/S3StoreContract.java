package dev.wharf.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.config.WharfConfig;
import dev.wharf.oci.Digest;
import dev.wharf.storage.Storage;
import dev.wharf.storage.StoreContract;
import dev.wharf.storage.UploadAppender;
import dev.wharf.storage.UploadSession;
import dev.wharf.storage.UploadStateException;
import dev.wharf.storage.WholeBlobWrite;
import dev.wharf.testing.TempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on the S3 driver, one bucket per test on a shared server; "another process" is a second
 * {@link Storage} over the same bucket with its own local spool, as another replica is.
 */
abstract class S3StoreContract extends StoreContract {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    /** Short, so the cross-replica tests wait little; production's default is 1 s. */
    static final Duration TTL = Duration.ofMillis(500);

    private final List<Path> roots = new ArrayList<>();
    private String bucket;

    protected abstract S3Server server();

    /** The driver's config for {@code bucket} on {@code server}, as the tests use it (small parts, short bounds). */
    static WharfConfig.Storage config(S3Server server, String bucket, Path root) {
        WharfConfig.S3 s3 = new WharfConfig.S3(server.endpoint(), server.region(), bucket, "registry", true, server.accessKey(),
                server.secretKey(), "", false, "20m", TTL.toMillis() + "ms", "5MiB", "1s");
        return new WharfConfig.Storage(root.toString(), true, true, WharfConfig.Storage.S3_DRIVER, s3);
    }

    @Override
    protected Storage open() throws IOException {
        bucket = "contract-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
        server().createBucket(bucket);
        return openAgain();
    }

    @Override
    protected Storage openAgain() throws IOException {
        Path root = Files.createTempDirectory("wharf-s3-replica-");
        roots.add(root);
        return new Storage(config(server(), bucket, root));
    }

    @AfterEach
    void removeLocalRoots() {
        roots.forEach(TempDirs::delete);
    }

    @Override
    protected Duration cacheBound() {
        return TTL;
    }

    @Override
    protected boolean exclusiveLease() {
        return true;
    }

    /**
     * Whether a listing of multipart uploads says when each began; s3proxy 2.6.0 gives the time of the listing
     * instead (seen by hand), so a dead replica's blob write is left there for the bucket's lifecycle rule.
     */
    protected boolean reportsWhenUploadsBegan() {
        return true;
    }

    @Test
    void whileOneReplicaWritesAnUploadAnotherIsRefusedAndThenContinuesWhereItEnded() throws Exception {
        UploadSession session = storage.uploads().create(REPO);
        try (Storage other = openAgain()) {
            UploadSession there = other.uploads().get(REPO, session.id());
            byte[] a = content(PART + 1000, 1);
            byte[] b = content(2000, 2);
            UploadAppender first = storage.uploads().appender(session, 0);
            first.append(ByteBuffer.wrap(a));
            assertFailsWithCause(UploadStateException.class, () -> other.uploads().appender(there, 0));
            first.finish().get(30, TimeUnit.SECONDS);
            UploadAppender second = other.uploads().appender(there, a.length);
            second.append(ByteBuffer.wrap(b));
            second.finish().get(30, TimeUnit.SECONDS);
            byte[] all = new byte[a.length + b.length];
            System.arraycopy(a, 0, all, 0, a.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            Digest d = Digest.sha256(all);
            assertEquals(d, storage.uploads().digest(session, Digest.Algorithm.SHA256));
            storage.uploads().commit(storage.uploads().get(REPO, session.id()), d);
            try (InputStream in = other.blobs().openStream(d)) {
                assertArrayEquals(all, in.readAllBytes());
            }
        }
    }

    @Test
    void aWriteThatBreaksOffFreesTheUploadForAnotherReplicaAtOnce() throws Exception {
        UploadSession session = storage.uploads().create(REPO);
        UploadAppender cut = storage.uploads().appender(session, 0);
        cut.append(ByteBuffer.wrap(content(3000, 3)));
        cut.abort().get(30, TimeUnit.SECONDS);
        try (Storage other = openAgain()) {
            UploadAppender retry = other.uploads().appender(other.uploads().get(REPO, session.id()), 0);
            byte[] bytes = content(3000, 4);
            retry.append(ByteBuffer.wrap(bytes));
            retry.finish().get(30, TimeUnit.SECONDS);
            assertEquals(Digest.sha256(bytes), storage.uploads().digest(session, Digest.Algorithm.SHA256));
        }
    }

    @Test
    void startingAnUploadWritesNothingAndAnyReplicaKnowsItsId() throws Exception {
        UploadSession session = storage.uploads().create(REPO);
        try (S3Bucket bucket = bucket()) {
            assertEquals(List.of(), bucket.list(S3Layout.UPLOADS));
            assertEquals(List.of(), bucket.list(S3Layout.UPLOAD_INDEX));
        }
        assertEquals(0, storage.uploads().count(REPO));
        try (Storage other = openAgain()) {
            UploadSession there = other.uploads().get(REPO, session.id());
            assertEquals(0, other.uploads().size(there));
            assertEquals(session.startedAt().toEpochMilli(), there.startedAt().toEpochMilli());
        }
    }

    @Test
    void anUploadIdChangedInOneDigitOrFromAnotherBucketIsUnknown() throws Exception {
        String id = storage.uploads().create(REPO).id();
        char last = id.charAt(id.length() - 1);
        String changed = id.substring(0, id.length() - 1) + (last == '0' ? '1' : '0');
        assertEquals(UploadStateException.Kind.UNKNOWN,
                assertThrows(UploadStateException.class, () -> storage.uploads().get(REPO, changed)).kind());
        String elsewhere = new UploadIds(UploadIds.newKey()).issue(REPO, System.currentTimeMillis());
        assertEquals(UploadStateException.Kind.UNKNOWN,
                assertThrows(UploadStateException.class, () -> storage.uploads().get(REPO, elsewhere)).kind());
    }

    @Test
    void anUnwrittenUploadIsUnknownOnceOlderThanTheExpiryAndAWrittenOneLastsUntilThePurge() throws Exception {
        Path root = Files.createTempDirectory("wharf-s3-replica-");
        roots.add(root);
        try (Storage shortLived = new Storage(config(server(), bucket, root), Duration.ofMillis(300))) {
            UploadSession unwritten = shortLived.uploads().create(REPO);
            UploadSession written = shortLived.uploads().create(REPO);
            write(shortLived, written, 0, content(100, 17));
            Thread.sleep(400);
            assertEquals(UploadStateException.Kind.UNKNOWN,
                    assertThrows(UploadStateException.class, () -> shortLived.uploads().get(REPO, unwritten.id())).kind());
            assertEquals(100, shortLived.uploads().size(shortLived.uploads().get(REPO, written.id())));
        }
    }

    @Test
    void anEndedUploadStaysUnknownOnEveryReplicaUntilThePurgeRemovesItsRecord() throws Exception {
        UploadSession cancelled = storage.uploads().create(REPO);
        storage.uploads().delete(cancelled.id());
        UploadSession finished = storage.uploads().create(REPO);
        write(storage, finished, 0, content(100, 18));
        storage.uploads().commit(finished, Digest.sha256(content(100, 18)));
        storage.uploads().delete(finished.id());
        try (Storage other = openAgain()) {
            for (UploadSession ended : List.of(cancelled, finished)) {
                assertThrows(UploadStateException.class, () -> other.uploads().get(REPO, ended.id()));
            }
            assertEquals(0, other.uploads().count(REPO));
        }
        Thread.sleep(2100); // past the 1 s grain of S3 times
        assertEquals(0, storage.uploads().purgeAbandoned(Duration.ZERO), "no upload was left open");
        try (S3Bucket bucket = bucket()) {
            assertEquals(List.of(), bucket.list(S3Layout.UPLOADS));
        }
    }

    /** Appends {@code bytes} in chunks that cross part boundaries and finishes the write. */
    private static UploadAppender.Result writeAll(UploadAppender write, byte[] bytes) throws Exception {
        for (int at = 0; at < bytes.length; at += 1 << 20) {
            write.append(ByteBuffer.wrap(bytes, at, Math.min(1 << 20, bytes.length - at)));
        }
        return write.finish().get(60, TimeUnit.SECONDS);
    }

    private S3Bucket bucket() throws IOException {
        return S3Bucket.open(config(server(), bucket, roots.get(0)).s3());
    }

    @Test
    void aWholeBlobWriteIsSeenByNobodyUntilItIsPublished() throws Exception {
        // one PUT up to the single-PUT limit, parts beyond it
        for (int size : new int[] {1000, 2 * PART + 1000, (int) S3WholeBlobWrite.SINGLE_PUT_LIMIT + PART + 1000}) {
            byte[] bytes = content(size, size);
            Digest d = Digest.sha256(bytes);
            WholeBlobWrite write = storage.uploads().writeWhole(null, d).orElseThrow();
            UploadAppender.Result written = writeAll(write, bytes);
            assertEquals(size, written.size());
            assertEquals(d, Digest.of(Digest.Algorithm.SHA256, written.hasher().digest()));
            try (Storage other = openAgain()) {
                assertFalse(other.blobs().exists(d), "a blob before its write was published");
                write.publish(() -> storage.repositories().linkBlob(REPO, d));
                try (InputStream in = other.blobs().openStream(d)) {
                    assertArrayEquals(bytes, in.readAllBytes());
                }
                assertTrue(other.repositories().holdsBlob(REPO, d), "the reference is recorded with the publish");
            }
        }
        try (S3Bucket b = bucket()) {
            assertEquals(List.of(), b.listMultipart(S3Layout.BLOBS), "multipart uploads left open");
        }
    }

    @Test
    void aDiscardedWholeBlobWriteLeavesNoObjectAndNoUploadOpen() throws Exception {
        byte[] bytes = content((int) S3WholeBlobWrite.SINGLE_PUT_LIMIT + 2 * PART + 77, 21); // parts sent on the way
        Digest claimed = Digest.sha256(content(10, 22));
        WholeBlobWrite write = storage.uploads().writeWhole(null, claimed).orElseThrow();
        writeAll(write, bytes);
        write.discard();
        try (Storage other = openAgain(); S3Bucket b = bucket()) {
            assertFalse(other.blobs().exists(claimed));
            assertEquals(List.of(), b.listMultipart(S3Layout.BLOBS));
            assertEquals(List.of(), b.list(S3Layout.BLOBS));
        }
    }

    @Test
    void aWholeBlobWriteCutShortLeavesNoObjectAndNoUploadOpen() throws Exception {
        int limit = (int) S3WholeBlobWrite.SINGLE_PUT_LIMIT;
        Digest d = Digest.sha256(content(limit + 3 * PART, 23));
        WholeBlobWrite write = storage.uploads().writeWhole(null, d).orElseThrow();
        write.append(ByteBuffer.wrap(content(limit + 2 * PART + 5, 23))); // parts sent on the way
        write.abort().get(60, TimeUnit.SECONDS);
        try (S3Bucket b = bucket()) {
            assertEquals(List.of(), b.listMultipart(S3Layout.BLOBS));
            assertEquals(List.of(), b.list(S3Layout.BLOBS));
        }
    }

    @Test
    void onlyASessionWithoutBytesMayBeFinishedAsAWholeBlob() throws Exception {
        UploadSession empty = storage.uploads().create(REPO);
        assertTrue(storage.uploads().writeWhole(empty, Digest.sha256(new byte[0])).isPresent());
        UploadSession started = storage.uploads().create(REPO);
        write(storage, started, 0, content(100, 24));
        assertTrue(storage.uploads().writeWhole(started, Digest.sha256(new byte[0])).isEmpty());
    }

    @Test
    void thePurgeAbortsAWholeBlobWriteADeadReplicaLeftOpen() throws Exception {
        try (S3Bucket b = bucket()) {
            b.createMultipart(S3Layout.blob(Digest.sha256(content(10, 25))));
            assertEquals(1, b.listMultipart(S3Layout.BLOBS).size());
            Thread.sleep(1100); // the store's clock has whole seconds
            storage.uploads().purgeAbandoned(Duration.ofMillis(1));
            assertEquals(reportsWhenUploadsBegan() ? 0 : 1, b.listMultipart(S3Layout.BLOBS).size());
        }
    }
}
