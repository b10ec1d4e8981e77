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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Every store of one storage root, wired together: the entry point for the registry service and the tools.
 * The stores are interfaces; this builds the filesystem driver's implementations (package {@code fs}), the
 * embedded default.
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
    private final ExecutorService io;

    public Storage(WharfConfig.Storage config) throws IOException {
        this(config, FileSeams.DIRECT);
    }

    /**
     * A store that meets the disk through {@code seams} (a test seam for I/O faults). Refuses
     * ({@link LayoutVersion.IncompatibleLayoutException}) a root written by a newer layout.
     */
    public Storage(WharfConfig.Storage config, FileSeams seams) throws IOException {
        this.layout = new StorageLayout(config.rootPath());
        Files.createDirectories(layout.root());
        Durability durability = new Durability(config.fsync(), layout.tmpDir());
        // before anything else is written: a root this code cannot read must stay as it was
        LayoutVersion.check(layout, durability);
        Files.createDirectories(layout.tmpDir());
        this.io = Executors.newCachedThreadPool(daemonThreads("wharf-io"));
        FileBlobStore fileBlobs = new FileBlobStore(layout, durability, seams.times());
        this.blobs = fileBlobs;
        this.uploads = new FileUploadStore(layout, durability, fileBlobs, io, seams.writes());
        this.repositories = new FileRepositoryStore(layout, durability);
        this.tags = new FileTagStore(layout, durability, repositories);
        this.revisions = new FileRevisionStore(layout, durability, repositories);
        this.referrers = new FileReferrerStore(layout, durability);
        this.manifests = new ManifestStore(blobs, revisions, tags, repositories, new ManifestCache());
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
        int removed = 0;
        try (Stream<Path> files = Files.list(layout.tmpDir())) {
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
