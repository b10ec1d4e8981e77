package dev.wharf.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every behaviour the registry service relies on of its stores, run against each driver (the pattern of
 * Distribution's {@code driver/testsuites}): a subclass says how to open a {@link Storage} and how to open a
 * second one over the same content (a restart for the filesystem driver, another replica for S3). Small part
 * sizes make uploads cross part boundaries.
 */
public abstract class StoreContract {
    protected static final RepositoryName REPO = RepositoryName.parse("team/app");
    protected static final RepositoryName OTHER = RepositoryName.parse("team/other");
    protected static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    /** Above the S3 driver's smallest part (5 MiB): the test drivers are configured with that part size. */
    protected static final int PART = 5 << 20;

    protected Storage storage;

    /** A fresh, empty store. */
    protected abstract Storage open() throws IOException;

    /** A second store over the same content as {@link #storage}: a restart, or another replica. */
    protected abstract Storage openAgain() throws IOException;

    @BeforeEach
    void openStore() throws IOException {
        storage = open();
    }

    @AfterEach
    void closeStore() {
        storage.close();
    }

    protected static byte[] content(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    protected static void write(Storage s, UploadSession session, long offset, byte[] chunk) throws Exception {
        UploadAppender appender = s.uploads().appender(session, offset);
        // in pieces, as a request body arrives
        for (int at = 0; at < chunk.length; at += 64 << 10) {
            appender.append(ByteBuffer.wrap(chunk, at, Math.min(64 << 10, chunk.length - at)));
        }
        appender.finish().get(60, TimeUnit.SECONDS);
    }

    private static byte[] readAll(Storage s, Digest digest) throws IOException {
        try (InputStream in = s.blobs().openStream(digest)) {
            return in.readAllBytes();
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    // --- blobs ---

    @Test
    void aBlobPutIsReadBackWithItsSizeAndAMissingOneIsAbsent() throws IOException {
        byte[] bytes = "hello, blobs".getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.sha256(bytes);
        assertTrue(storage.blobs().put(d, bytes));
        assertFalse(storage.blobs().put(d, bytes), "the same digest is stored once");
        assertArrayEquals(bytes, storage.blobs().read(d));
        assertArrayEquals(bytes, readAll(storage, d));
        assertEquals(bytes.length, storage.blobs().size(d).getAsLong());
        assertTrue(storage.blobs().exists(d));
        assertTrue(storage.blobs().list().contains(d));
        Digest missing = Digest.sha256("nope".getBytes(StandardCharsets.UTF_8));
        assertFalse(storage.blobs().exists(missing));
        assertTrue(storage.blobs().source(missing).isEmpty());
        assertFalse(storage.blobs().touchIfPresent(missing));
        assertThrows(IOException.class, () -> storage.blobs().read(missing));
    }

    @Test
    void aBlobSourceServesAnyRangeOfTheBytes() throws Exception {
        byte[] bytes = content(300_000, 1);
        Digest d = Digest.sha256(bytes);
        storage.blobs().put(d, bytes);
        BlobSource source = storage.blobs().source(d).orElseThrow();
        assertEquals(bytes.length, source.size());
        assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 1000, 201_000), readRange(source, 1000, 200_000));
    }

    /** The bytes of {@code length} from {@code offset}, whatever form of source the driver hands out. */
    protected static byte[] readRange(BlobSource source, long offset, int length) throws Exception {
        if (source instanceof BlobSource.File file) {
            byte[] all = Files.readAllBytes(file.path());
            return java.util.Arrays.copyOfRange(all, (int) offset, (int) offset + length);
        }
        if (source instanceof BlobSource.Relayed relayed) {
            // as the HTTP layer's relay fetches it: the URL alone, no credentials
            java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(relayed.location())
                            .header("Range", "bytes=" + offset + "-" + (offset + length - 1)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, r.statusCode());
            return r.body();
        }
        throw new AssertionError("unexpected source " + source);
    }

    // --- uploads ---

    @Test
    void anUploadInChunksAcrossPartBoundariesBecomesTheBlobByteForByte() throws Exception {
        byte[] a = content(PART - 123, 2);
        byte[] b = content(PART + 4567, 3);
        byte[] c = content(77_777, 4);
        byte[] all = concat(a, b, c);
        UploadSession session = storage.uploads().create(REPO);
        write(storage, session, 0, a);
        write(storage, session, a.length, b);
        write(storage, session, -1, c);
        assertEquals(all.length, storage.uploads().size(session));
        Digest d = Digest.sha256(all);
        assertEquals(d, storage.uploads().digest(session, Digest.Algorithm.SHA256));
        storage.uploads().commit(session, d);
        storage.uploads().delete(session.id());
        assertArrayEquals(all, readAll(storage, d));
        assertEquals(all.length, storage.blobs().size(d).getAsLong());
        assertThrows(UploadStateException.class, () -> storage.uploads().get(REPO, session.id()));
    }

    @Test
    void anEmptyUploadAndOneUnderAPartAreBlobsToo() throws Exception {
        UploadSession empty = storage.uploads().create(REPO);
        Digest none = Digest.sha256(new byte[0]);
        assertEquals(none, storage.uploads().digest(empty, Digest.Algorithm.SHA256));
        storage.uploads().commit(empty, none);
        assertEquals(0, storage.blobs().size(none).getAsLong());

        byte[] small = content(1000, 5);
        UploadSession session = storage.uploads().create(REPO);
        write(storage, session, 0, small);
        storage.uploads().commit(session, Digest.sha256(small));
        assertArrayEquals(small, readAll(storage, Digest.sha256(small)));
    }

    @Test
    void anUploadGoesOnInAnotherProcessWhereTheLastWriteStopped() throws Exception {
        byte[] a = content(PART + 10, 6);
        byte[] b = content(3 << 20, 7);
        UploadSession session = storage.uploads().create(REPO);
        write(storage, session, 0, a);
        try (Storage second = openAgain()) {
            UploadSession found = second.uploads().get(REPO, session.id());
            assertEquals(a.length, second.uploads().size(found));
            write(second, found, a.length, b);
        }
        try (Storage third = openAgain()) {
            UploadSession found = third.uploads().get(REPO, session.id());
            Digest d = Digest.sha256(concat(a, b));
            assertEquals(d, third.uploads().digest(found, Digest.Algorithm.SHA256));
            third.uploads().commit(found, d);
            assertArrayEquals(concat(a, b), readAll(third, d));
        }
    }

    @Test
    void aWriteAtTheWrongOffsetIsRefusedAndChangesNothing() throws Exception {
        byte[] a = content(1000, 8);
        UploadSession session = storage.uploads().create(REPO);
        write(storage, session, 0, a);
        UploadStateException e = assertThrows(UploadStateException.class, () -> storage.uploads().appender(session, 5));
        assertEquals(UploadStateException.Kind.OFFSET, e.kind());
        assertEquals(a.length, e.size());
        assertEquals(a.length, storage.uploads().size(session));
    }

    @Test
    void anAbortedWriteLeavesTheUploadAsItWas() throws Exception {
        byte[] a = content(2000, 9);
        UploadSession session = storage.uploads().create(REPO);
        write(storage, session, 0, a);
        UploadAppender torn = storage.uploads().appender(session, a.length);
        torn.append(ByteBuffer.wrap(content(PART + 1000, 10)));
        torn.abort().get(60, TimeUnit.SECONDS);
        assertEquals(a.length, storage.uploads().size(session));
        assertEquals(Digest.sha256(a), storage.uploads().digest(session, Digest.Algorithm.SHA256));
        byte[] b = content(500, 11);
        write(storage, session, a.length, b);
        Digest d = Digest.sha256(concat(a, b));
        storage.uploads().commit(session, d);
        assertArrayEquals(concat(a, b), readAll(storage, d));
    }

    @Test
    void aSecondWriterOnTheSameUploadIsRefusedWhileTheFirstRuns() throws Exception {
        UploadSession session = storage.uploads().create(REPO);
        UploadAppender first = storage.uploads().appender(session, 0);
        UploadStateException e = assertThrows(UploadStateException.class, () -> storage.uploads().appender(session, 0));
        assertEquals(UploadStateException.Kind.BUSY, e.kind());
        first.append(ByteBuffer.wrap(content(10, 12)));
        first.finish().get(30, TimeUnit.SECONDS);
        assertEquals(10, storage.uploads().size(session));
    }

    @Test
    void anUnknownOrForeignUploadIsUnknown() throws Exception {
        UploadSession session = storage.uploads().create(REPO);
        assertEquals(UploadStateException.Kind.UNKNOWN,
                assertThrows(UploadStateException.class, () -> storage.uploads().get(OTHER, session.id())).kind());
        assertEquals(UploadStateException.Kind.UNKNOWN,
                assertThrows(UploadStateException.class, () -> storage.uploads().get(REPO, "not-an-id")).kind());
        assertEquals(UploadStateException.Kind.UNKNOWN,
                assertThrows(UploadStateException.class, () -> storage.uploads().get(REPO, "0f0e0d0c-0b0a-4909-8807-060504030201")).kind());
        storage.uploads().delete(session.id());
        assertThrows(UploadStateException.class, () -> storage.uploads().get(REPO, session.id()));
    }

    @Test
    void uploadsAreCountedPerRepositoryAndAbandonedOnesPurged() throws Exception {
        // a session counts once written to (the S3 driver keeps nothing of one before its first bytes)
        write(storage, storage.uploads().create(REPO), 0, content(10, 15));
        write(storage, storage.uploads().create(REPO), 0, content(10, 16));
        UploadSession other = storage.uploads().create(OTHER);
        write(storage, other, 0, content(1234, 13));
        assertEquals(2, storage.uploads().count(REPO));
        assertEquals(1, storage.uploads().count(OTHER));
        assertTrue(storage.uploads().bytesInProgress() >= 1234, "du counts what uploads hold");
        assertEquals(0, storage.uploads().purgeAbandoned(Duration.ofHours(1)));
        Thread.sleep(2100); // past the 1 s grain of S3 times // the bucket's times may be whole seconds
        assertEquals(3, storage.uploads().purgeAbandoned(Duration.ZERO));
        assertEquals(0, storage.uploads().count(REPO));
    }

    @Test
    void committingContentThatIsStoredAlreadyKeepsTheStoredBlob() throws Exception {
        byte[] bytes = content(4096, 14);
        Digest d = Digest.sha256(bytes);
        storage.blobs().put(d, bytes);
        UploadSession session = storage.uploads().create(REPO);
        write(storage, session, 0, bytes);
        storage.uploads().commit(session, d);
        assertArrayEquals(bytes, readAll(storage, d));
    }

    // --- repositories, tags, revisions, referrers ---

    @Test
    void repositoriesComeWithTheirFirstLinkAndHoldTheirBlobs() throws IOException {
        Digest d = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));
        assertFalse(storage.repositories().holdsBlob(REPO, d));
        storage.repositories().linkBlob(REPO, d);
        storage.repositories().linkBlob(REPO, d);
        storage.repositories().remember(OTHER);
        assertTrue(storage.repositories().holdsBlob(REPO, d));
        assertFalse(storage.repositories().holdsBlob(OTHER, d));
        assertEquals(List.of(d), storage.repositories().linkedBlobs(REPO));
        assertTrue(storage.repositories().exists(REPO));
        assertEquals(List.of("team/app", "team/other"), storage.repositories().list(null, 10));
        assertEquals(List.of("team/other"), storage.repositories().list("team/app", 10));
        assertEquals(List.of("team/app"), storage.repositories().list(null, 1));
        assertTrue(storage.repositories().unlinkBlob(REPO, d));
        assertFalse(storage.repositories().unlinkBlob(REPO, d));
        assertFalse(storage.repositories().holdsBlob(REPO, d));
    }

    @Test
    void aTagPointsAtItsLastPushAndListsInOrder() throws IOException {
        Digest one = Digest.sha256("one".getBytes(StandardCharsets.UTF_8));
        Digest two = Digest.sha256("two".getBytes(StandardCharsets.UTF_8));
        storage.repositories().remember(REPO);
        assertNull(storage.tags().resolve(REPO, new Tag("latest")));
        storage.tags().tag(REPO, new Tag("v2"), one);
        storage.tags().tag(REPO, new Tag("latest"), one);
        storage.tags().tag(REPO, new Tag("latest"), two);
        storage.tags().tag(REPO, new Tag("v1"), one);
        assertEquals(two, storage.tags().resolve(REPO, new Tag("latest")));
        assertEquals(List.of("latest", "v1", "v2"), storage.tags().list(REPO, null, 100));
        assertEquals(List.of("v1"), storage.tags().list(REPO, "latest", 1));
        assertEquals(Map.of("latest", two, "v1", one, "v2", one), storage.tags().all(REPO));
        assertTrue(storage.tags().pushedAt(REPO, new Tag("v1")).isAfter(Instant.now().minusSeconds(60)));
        assertNull(storage.tags().pushedAt(REPO, new Tag("nope")));
        assertEquals(List.of("v1", "v2"), sorted(storage.tags().untagAll(REPO, one)));
        assertTrue(storage.tags().untag(REPO, new Tag("latest")));
        assertFalse(storage.tags().untag(REPO, new Tag("latest")));
        assertEquals(List.of(), storage.tags().list(REPO, null, 100));
        assertNull(storage.tags().newest(REPO));
    }

    private static List<String> sorted(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        copy.sort(null);
        return copy;
    }

    @Test
    protected void aTagMovedInOneProcessIsSeenByAnotherWithinTheCacheBound() throws Exception {
        Digest one = Digest.sha256("one".getBytes(StandardCharsets.UTF_8));
        Digest two = Digest.sha256("two".getBytes(StandardCharsets.UTF_8));
        storage.repositories().remember(REPO);
        storage.tags().tag(REPO, new Tag("latest"), one);
        try (Storage other = openAgain()) {
            assertEquals(one, other.tags().resolve(REPO, new Tag("latest")));
            storage.tags().tag(REPO, new Tag("latest"), two);
            long deadline = System.nanoTime() + cacheBound().toNanos() + TimeUnit.SECONDS.toNanos(1);
            while (!two.equals(other.tags().resolve(REPO, new Tag("latest")))) {
                assertTrue(System.nanoTime() < deadline, "the move is not seen within the cache bound");
                Thread.sleep(50);
            }
        }
    }

    /** How stale another process's view may be: 0 where every process reads the same memory (filesystem). */
    protected abstract Duration cacheBound();

    @Test
    void revisionsKeepTheirMediaTypeUntilRemoved() throws IOException {
        Digest d = Digest.sha256("manifest".getBytes(StandardCharsets.UTF_8));
        assertNull(storage.revisions().mediaType(REPO, d));
        storage.revisions().add(REPO, d, MANIFEST_TYPE);
        assertEquals(MANIFEST_TYPE, storage.revisions().mediaType(REPO, d));
        assertEquals(Map.of(d, MANIFEST_TYPE), storage.revisions().all(REPO));
        assertNull(storage.revisions().mediaType(OTHER, d));
        storage.revisions().remove(REPO, d);
        assertNull(storage.revisions().mediaType(REPO, d));
        assertEquals(Map.of(), storage.revisions().all(REPO));
    }

    @Test
    void referrersAreListedPerSubjectInAStableOrder() throws IOException {
        Digest subject = Digest.sha256("subject".getBytes(StandardCharsets.UTF_8));
        Digest r1 = Digest.sha256("r1".getBytes(StandardCharsets.UTF_8));
        Digest r2 = Digest.sha256("r2".getBytes(StandardCharsets.UTF_8));
        storage.referrers().add(REPO, subject, r1, "{\"r\":1}".getBytes(StandardCharsets.UTF_8));
        storage.referrers().add(REPO, subject, r2, "{\"r\":2}".getBytes(StandardCharsets.UTF_8));
        List<String> first = storage.referrers().list(REPO, subject).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
        assertEquals(2, first.size());
        assertEquals(first, storage.referrers().list(REPO, subject).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());
        storage.referrers().remove(REPO, subject, r1);
        assertEquals(List.of("{\"r\":2}"), storage.referrers().list(REPO, subject).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());
        assertEquals(List.of(), storage.referrers().list(OTHER, subject));
    }

    @Test
    void aManifestWhoseBytesAreGoneReadsAsAbsent() throws IOException {
        byte[] bytes = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.sha256(bytes);
        storage.manifests().put(REPO, new StoredManifest(d, bytes, MANIFEST_TYPE));
        storage.blobs().quarantine(d);
        try (Storage other = openAgain()) {
            assertTrue(other.manifests().holds(REPO, d), "the record stays: verify reports it");
            assertNull(other.manifests().get(REPO, d));
        }
    }

    // --- garbage collection's steps ---

    @Test
    void anOldBlobIsDeletedAndAYoungOneSpared() throws Exception {
        byte[] bytes = content(1000, 15);
        Digest d = Digest.sha256(bytes);
        storage.blobs().put(d, bytes);
        assertFalse(storage.blobs().deleteIfOlderThan(d, Instant.now().minusSeconds(3600)), "young: spared");
        Thread.sleep(2100); // past the 1 s grain of S3 times
        assertTrue(storage.blobs().deleteIfOlderThan(d, Instant.now().plusSeconds(1)));
        assertTrue(storage.blobs().settleSweep().isEmpty());
        assertFalse(storage.blobs().exists(d));
        assertTrue(storage.blobs().runIfAbsent(d, () -> { }));
    }

    @Test
    void aBlobTouchedByAnotherProcessWhileSweptIsGivenBack() throws Exception {
        byte[] bytes = content(1000, 16);
        Digest d = Digest.sha256(bytes);
        storage.blobs().put(d, bytes);
        Thread.sleep(2100); // past the 1 s grain of S3 times
        assertTrue(storage.blobs().deleteIfOlderThan(d, Instant.now().plusSeconds(1)));
        try (Storage other = openAgain()) {
            // a manifest push on another replica references the blob right now
            boolean present = other.blobs().touchIfPresent(d);
            List<Digest> given = storage.blobs().settleSweep();
            if (present) {
                assertEquals(List.of(d), given);
                assertArrayEquals(bytes, readAll(other, d), "a blob a push saw must stay");
            } else {
                assertFalse(other.blobs().exists(d));
            }
        }
    }

    @Test
    void aBlobTouchedIsNotOlderThanTheTouch() throws Exception {
        byte[] bytes = content(1000, 17);
        Digest d = Digest.sha256(bytes);
        storage.blobs().put(d, bytes);
        Thread.sleep(2100); // past the 1 s grain of S3 times
        Instant beforeTouch = Instant.now().minusMillis(500);
        assertTrue(storage.blobs().touchIfPresent(d));
        assertFalse(storage.blobs().modified(d).isBefore(beforeTouch.minusSeconds(1)));
        assertFalse(storage.blobs().deleteIfOlderThan(d, beforeTouch.minusSeconds(1)));
        assertTrue(storage.blobs().exists(d));
    }

    @Test
    void theGcLeaseIsHeldByOneAtATime() throws Exception {
        GcLease mine = storage.gcLease();
        assertTrue(mine.tryAcquire(Duration.ofMinutes(1)));
        try (Storage other = openAgain()) {
            assertEquals(exclusiveLease(), !other.gcLease().tryAcquire(Duration.ofMinutes(1)));
            mine.release();
            assertTrue(other.gcLease().tryAcquire(Duration.ofMinutes(1)));
            other.gcLease().release();
        }
    }

    /** Whether a second process is refused the lease (the filesystem's is the root lock, taken elsewhere). */
    protected abstract boolean exclusiveLease();

    protected static void assertFailsWithCause(Class<? extends Throwable> type, ThrowingRunnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            Throwable c = t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
            assertTrue(type.isInstance(c) || type.isInstance(c.getCause()), "expected " + type.getSimpleName() + ", got " + c);
            return;
        }
        throw new AssertionError("expected " + type.getSimpleName());
    }

    @FunctionalInterface
    protected interface ThrowingRunnable {
        void run() throws Exception;
    }
}
