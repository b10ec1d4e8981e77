package dev.wharf.storage;

import dev.wharf.config.WharfConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

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
        this.layout = new StorageLayout(config.rootPath());
        Files.createDirectories(layout.root());
        Files.createDirectories(layout.tmpDir());
        this.durability = new Durability(config.fsync(), layout.tmpDir());
        this.io = Executors.newCachedThreadPool(daemonThreads("wharf-io"));
        this.blobs = new BlobStore(layout, durability);
        this.uploads = new UploadStore(layout, durability, io);
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
