package dev.wharf.registry;

import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.Storage;
import io.vertx.core.Vertx;

/**
 * The registry service: every operation of the registry, on parsed values ({@code RepositoryName},
 * {@code Digest}, {@code Reference}), answering futures whose failures are client-facing
 * {@link dev.wharf.error.RegistryException}s. The HTTP handlers call only this; so will the pull-through cache
 * when it fills a miss, and anything that observes pushes and pulls. It knows nothing of routing or HTTP; it
 * uses Vert.x only to run blocking store work on worker threads.
 */
public final class Registry {
    private final ManifestService manifests;
    private final BlobService blobs;
    private final UploadService uploads;
    private final ListingService listings;
    private final SearchService search;
    private final Storage storage;

    public Registry(Vertx vertx, Storage storage, RegistrySettings settings) {
        this(vertx, storage, settings, RegistryEvents.NONE);
    }

    /** @param events told of every manifest push, pull and delete, tag delete and blob delete (the webhooks) */
    public Registry(Vertx vertx, Storage storage, RegistrySettings settings, RegistryEvents events) {
        this.storage = storage;
        Blocking blocking = new Blocking(vertx);
        EventSink sink = new EventSink(events);
        this.manifests = new ManifestService(storage, blocking, settings.deleteEnabled(), sink);
        this.blobs = new BlobService(storage, blocking, settings.deleteEnabled(), sink);
        this.uploads = new UploadService(storage, blocking, settings.maxUploadsPerRepository(), settings.automaticMount());
        this.listings = new ListingService(storage, blocking);
        this.search = new SearchService(storage, blocking);
    }

    /** Whether a repository of that name exists (has been pushed to); answered from memory. */
    public boolean repositoryExists(RepositoryName name) {
        return storage.repositories().exists(name);
    }

    public ManifestService manifests() {
        return manifests;
    }

    public BlobService blobs() {
        return blobs;
    }

    public UploadService uploads() {
        return uploads;
    }

    public ListingService listings() {
        return listings;
    }

    public SearchService search() {
        return search;
    }
}
