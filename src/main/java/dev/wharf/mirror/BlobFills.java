package dev.wharf.mirror;

import dev.wharf.oci.Digest;
import dev.wharf.registry.Registry;
import dev.wharf.storage.BlobSource;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fills under way, one per digest (single flight): concurrent requests for a blob that is not stored share
 * one upstream fetch, whichever cached repository they come through, and each reads the bytes as they arrive. A
 * fill leaves the table only after its blob is stored and linked (or it failed), so a request that finds no fill
 * finds the blob, or starts the next fill.
 */
final class BlobFills {
    private final Vertx vertx;
    private final Registry registry;
    private final Map<Digest, BlobFill> fills = new ConcurrentHashMap<>();

    BlobFills(Vertx vertx, Registry registry) {
        this.vertx = vertx;
        this.registry = registry;
    }

    /** The size of a blob being filled, when the upstream has said it; null otherwise. */
    Long sizeIfFilling(Digest digest) {
        BlobFill fill = fills.get(digest);
        return fill == null ? null : fill.sizeIfKnown();
    }

    /** The blob's bytes: a fill (joined, or started here) or, if it turned out to be stored, the stored file. */
    Future<BlobSource> fetch(CacheTarget target, Digest digest) {
        // A fill runs on the event loop of the request that started it; every reader continues on its own.
        Promise<BlobSource> answer = ((ContextInternal) vertx.getOrCreateContext()).promise();
        // The caller found the blob neither here nor stored for another name; a fill that ends meanwhile is
        // caught by the fill's own look at the store before it fetches.
        boolean[] started = {false};
        BlobFill fill = fills.computeIfAbsent(digest, d -> {
            started[0] = true;
            return new BlobFill(vertx, registry, target, d, ended -> fills.remove(d, ended));
        });
        if (started[0]) {
            target.upstream().stats().misses.incrementAndGet();
            fill.start();
        }
        fill.reader(target.localName()).onComplete(answer);
        return answer.future();
    }
}
