package dev.wharf.storage;

import dev.wharf.config.WharfConfig;
import dev.wharf.storage.fs.Durability;
import dev.wharf.storage.fs.FileBlobStore;
import dev.wharf.storage.fs.FileReferrerStore;
import dev.wharf.storage.fs.FileSeams;
import dev.wharf.storage.fs.FileRepositoryStore;
import dev.wharf.storage.fs.FileRevisionStore;
import dev.wharf.storage.fs.FileTagStore;
import dev.wharf.storage.fs.FileUploadStore;
import dev.wharf.storage.fs.LayoutVersion;
import dev.wharf.storage.fs.StorageLayout;
import dev.wharf.storage.s3.S3Stores;

import java.io.IOException;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Every store of one registry, wired together: the entry point for the registry service and the tools. The
 * stores are interfaces; this builds the driver {@code storage.driver} names: the filesystem driver (package
 * {@code fs}, the embedded default) or the S3 driver (package {@code s3}). The local root exists with both: with
 * S3 it holds only what is this process's own (the upload spool, a generated token key).
 */
public final class Storage implements AutoCloseable {
    private final StorageLayout layout;
    private final BlobStore blobs;
    private final UploadStore uploads;
    private final RepositoryStore repositories;
    private final TagStore tags;
    private final RevisionStore revisions;
    private final ReferrerStore referrers;
    private final ManifestStore manifests;
    private final GcLease gcLease;
    private final S3Stores s3;
    private final String location;
    private final ExecutorService io;

    /** The default of {@code uploads.expiry}, for stores opened by tests. */
    public static final Duration DEFAULT_UPLOAD_EXPIRY = Duration.ofHours(24);

    public Storage(WharfConfig.Storage config) throws IOException {
        this(config, FileSeams.DIRECT, DEFAULT_UPLOAD_EXPIRY);
    }

    /** {@code uploadExpiry} is {@code uploads.expiry} (the S3 driver decides by it that an unwritten session is gone). */
    public Storage(WharfConfig.Storage config, Duration uploadExpiry) throws IOException {
        this(config, FileSeams.DIRECT, uploadExpiry);
    }

    /**
     * A store that meets the disk through {@code seams} (a test seam for I/O faults). Refuses
     * ({@link LayoutVersion.IncompatibleLayoutException}) a root written by a newer layout.
     */
    public Storage(WharfConfig.Storage config, FileSeams seams, Duration uploadExpiry) throws IOException {
        this.layout = new StorageLayout(config.rootPath());
        Files.createDirectories(layout.root());
        this.io = Executors.newCachedThreadPool(daemonThreads("wharf-io"));
        if (config.isS3()) {
            Files.createDirectories(layout.tmpDir());
            try {
                this.s3 = S3Stores.open(config.s3(), spoolDir(), io, uploadExpiry);
            } catch (IOException | RuntimeException e) {
                io.shutdown();
                throw e;
            }
            this.blobs = s3.blobs();
            this.uploads = s3.uploads();
            this.repositories = s3.repositories();
            this.tags = s3.tags();
            this.revisions = s3.revisions();
            this.referrers = s3.referrers();
            this.gcLease = s3.gcLease();
            this.location = s3.describe();
        } else {
            Durability durability = new Durability(config.fsync(), layout.tmpDir());
            // before anything else is written: a root this code cannot read must stay as it was
            LayoutVersion.check(layout, durability);
            Files.createDirectories(layout.tmpDir());
            FileBlobStore fileBlobs = new FileBlobStore(layout, durability, seams.times());
            this.s3 = null;
            this.blobs = fileBlobs;
            this.uploads = new FileUploadStore(layout, durability, fileBlobs, io, seams.writes());
            this.repositories = new FileRepositoryStore(layout, durability);
            this.tags = new FileTagStore(layout, durability, repositories);
            this.revisions = new FileRevisionStore(layout, durability, repositories);
            this.referrers = new FileReferrerStore(layout, durability);
            this.gcLease = GcLease.EXCLUSIVE_ROOT;
            this.location = layout.root().toString();
        }
        this.manifests = new ManifestStore(blobs, revisions, tags, repositories, new ManifestCache());
    }

    /** Whether the stores are a bucket that other processes may share (no storage-root lock then). */
    /**
     * Fails unless the store takes a write now: a small file created and removed in the root's {@code tmp/}, or an
     * object written and removed in the bucket (for the readiness probe; blocks).
     */
    public void checkWritable() throws IOException {
        if (s3 != null) {
            s3.checkWritable();
            return;
        }
        Path probe = Files.createTempFile(layout.tmpDir(), "readyz-", ".probe");
        try {
            Files.write(probe, new byte[] {1});
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    public boolean isShared() {
        return s3 != null;
    }

    /** Where the content lives, for logs: the root's path or {@code s3://bucket/prefix}. */
    public String location() {
        return location;
    }

    /**
     * Shared stores only: replaces {@code local}, the generated token signing key, with the one the other
     * processes use, if one was shared yet; true when it was. The filesystem driver's root is one process's.
     */
    public boolean pullTokenKey(Path local) throws IOException {
        return s3 != null && s3.pullTokenKey(local);
    }

    /**
     * Shared stores only: offers {@code local} as the shared key; false when another process's got there first,
     * which then replaces {@code local}.
     */
    public boolean offerTokenKey(Path local) throws IOException {
        return s3 == null || s3.offerTokenKey(local);
    }

    public GcLease gcLease() {
        return gcLease;
    }

    /** Where the filesystem driver keeps everything; also the home of the lock and the token key. */
    public StorageLayout layout() {
        return layout;
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

    public ManifestStore manifests() {
        return manifests;
    }

    /**
     * Removes what atomic writes interrupted by a crash left in {@code tmp/}. Only the owner of the root may
     * call this (with the storage lock held), since a live writer's temp file would go too.
     */
    public int removeTemporaryFiles() throws IOException {
        // the S3 driver's spool holds uploads on their way to the bucket; its state never counted what a crash left
        return removeFilesIn(layout.tmpDir()) + removeFilesIn(spoolDir());
    }

    private Path spoolDir() {
        return layout.root().resolve("spool");
    }

    private static int removeFilesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.deleteIfExists(f)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    @Override
    public void close() {
        io.shutdown();
        if (s3 != null) {
            s3.close();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
