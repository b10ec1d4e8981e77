package dev.wharf.storage;

import dev.wharf.config.WharfConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** Everything kept under one storage root, wired together: the entry point for the server and the tools. */
public final class Storage implements AutoCloseable {
    private final StorageLayout layout;
    private final Durability durability;
    private final BlobStore blobs;
    private final UploadStore uploads;
    private final RepositoryStore repositories;
    private final ManifestStore manifests;
    private final ExecutorService io;

    public Storage(WharfConfig.Storage config) throws IOException {
        this(config, WriteChannels.DIRECT);
    }

    /** A store whose upload files are opened through {@code channels} (a test seam for I/O faults). */
    public Storage(WharfConfig.Storage config, WriteChannels channels) throws IOException {
        this.layout = new StorageLayout(config.rootPath());
        Files.createDirectories(layout.root());
        Files.createDirectories(layout.tmpDir());
        this.durability = new Durability(config.fsync(), layout.tmpDir());
        this.io = Executors.newCachedThreadPool(daemonThreads("wharf-io"));
        this.blobs = new BlobStore(layout, durability);
        this.uploads = new UploadStore(layout, durability, io, channels);
        this.repositories = new RepositoryStore(layout, durability);
        this.manifests = new ManifestStore(layout, durability, blobs, repositories);
    }

    public StorageLayout layout() {
        return layout;
    }

    public Durability durability() {
        return durability;
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

    public ManifestStore manifests() {
        return manifests;
    }

    /**
     * Removes what atomic writes interrupted by a crash left in {@code tmp/}. Only the owner of the root may
     * call this (with {@link StorageLock} held), since a live writer's temp file would go too.
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
