package dev.wharf.mirror;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.Problem;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.registry.Registry;
import dev.wharf.storage.BlobSource;
import dev.wharf.storage.FillProgress;
import dev.wharf.storage.UploadAppender;
import dev.wharf.storage.UploadSession;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.buffer.BufferInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One blob on its way from an upstream into the store, read by every client that wants it meanwhile. The
 * upstream's body goes into an upload session of the cached repository (the same upload a push makes); readers
 * follow the session's file as it grows ({@link FillProgress}), each at its own pace, so a slow or departed client
 * neither slows nor cancels the fill. The blob becomes visible when the upload finishes, which verifies its digest;
 * the last byte is readable only once the bytes' hash matches the digest, so no client ever gets a whole blob
 * whose digest is wrong. A fill that
 * fails (upstream cut, wrong bytes, timeout) cancels its upload: nothing is stored, and the next request starts anew.
 */
final class BlobFill implements FillProgress {
    private static final Logger LOG = LoggerFactory.getLogger(BlobFill.class);

    private final Vertx vertx;
    private final Registry registry;
    private final CacheTarget target;
    private final Digest digest;
    private final Consumer<BlobFill> onEnd;
    private final Promise<Long> size = Promise.promise();
    /** Local names that asked for the blob while it filled: each gets a link to it once it is stored. */
    private final Set<RepositoryName> askedBy = new LinkedHashSet<>();

    private Context context;
    private UploadSession session;
    private UploadAppender appender;
    private HttpClientResponse response;
    private FileChannel channel;
    /** Readers holding the channel, the fill itself included while it runs. */
    private int holders;
    private boolean channelClosed;
    private List<Runnable> waiters = new ArrayList<>();
    private long received;
    private boolean flushQueued;
    /** The upstream's body is coming in. */
    private boolean streaming;

    private volatile long expectedSize = -1;
    private volatile long written;
    private volatile boolean verified;
    private volatile boolean ended;
    private volatile Throwable failure;

    BlobFill(Vertx vertx, Registry registry, CacheTarget target, Digest digest, Consumer<BlobFill> onEnd) {
        this.vertx = vertx;
        this.registry = registry;
        this.target = target;
        this.digest = digest;
        this.onEnd = onEnd;
        askedBy.add(target.localName());
    }

    /** The blob's size once the upstream has said it; null before. */
    Long sizeIfKnown() {
        long s = expectedSize;
        return s < 0 ? null : s;
    }

    /** Starts the fill on the caller's event loop. */
    void start() {
        context = vertx.getOrCreateContext();
        // A fill that ended between the caller's look at the store and this start has stored the blob already:
        // looked for first, so that it costs the upstream nothing.
        registry.blobs().adopt(target.localName(), digest).onComplete(stored -> {
            if (stored.succeeded() && stored.result()) {
                verified = true;
                size.complete(0L);
                end();
            } else if (stored.failed()) {
                fail(stored.cause());
            } else {
                fetch();
            }
        });
    }

    private void fetch() {
        // The upstream is asked at once, while the upload is prepared: the client's first byte waits for the slower
        // of the two, not for both in turn. Its answer stays paused until the upload can take it.
        Future<HttpClientResponse> answer = target.upstream().client().send(HttpMethod.GET, target.remoteName(),
                "/v2/" + target.remoteName() + "/blobs/" + digest, null, target.upstream().readTimeoutMillis());
        // While the answer waits for the upload, its connection may already fail (an upstream that cuts the body):
        // heard now, or the answer would never end nor fail once it is read.
        Throwable[] cutEarly = {null};
        answer.onSuccess(resp -> resp.exceptionHandler(err -> cutEarly[0] = err));
        Future<Void> prepared = prepareUpload();
        Future.join(prepared, answer).onComplete(both -> {
            if (prepared.succeeded() && answer.succeeded() && cutEarly[0] != null) {
                fail(cutEarly[0]);
                return;
            }
            if (prepared.failed() || answer.failed()) {
                if (answer.succeeded()) {
                    answer.result().request().reset();
                }
                fail(prepared.failed() ? prepared.cause() : answer.cause());
                return;
            }
            stream(answer.result());
        });
    }

    /** Opens the upload session the blob goes into, the readers' channel on its file, and the appender. */
    private Future<Void> prepareUpload() {
        return registry.uploads().start(target.localName())
                .compose(s -> {
                    session = s;
                    return vertx.executeBlocking(() -> FileChannel.open(registry.uploads().dataPath(s), StandardOpenOption.READ), false);
                })
                .compose(ch -> {
                    synchronized (this) {
                        channel = ch;
                        holders++;
                    }
                    return registry.uploads().write(session, 0);
                })
                .map(a -> {
                    appender = a;
                    return null;
                });
    }

    private void stream(HttpClientResponse resp) {
        response = resp;
        if (resp.statusCode() != 200) {
            UpstreamClient.discard(resp);
            fail(resp.statusCode() == 404
                    ? RegistryException.of(ErrorCode.BLOB_UNKNOWN, "upstream " + target.upstream().name() + " has no blob "
                    + digest + " in " + target.remoteName())
                    : PullThrough.failed(target, resp));
            return;
        }
        String length = resp.getHeader("Content-Length");
        if (length == null) {
            resp.request().reset();
            fail(new UpstreamException("upstream " + target.upstream().name() + " sent the blob without a Content-Length", 502, null));
            return;
        }
        long total = Long.parseLong(length);
        expectedSize = total;
        appender.progressHandler(bytes -> {
            written = bytes;
            wake();
        });
        appender.drainHandler(() -> context.runOnContext(v -> {
            if (!ended) {
                resp.resume();
            }
        }));
        resp.handler(buffer -> received(resp, buffer, total));
        resp.exceptionHandler(this::fail);
        resp.endHandler(v -> {
            streaming = false;
            if (ended) {
                return;
            }
            if (received != total) {
                fail(new UpstreamException("upstream " + target.upstream().name() + " sent " + received + " of the blob's "
                        + total + " bytes", 502, null));
                return;
            }
            complete();
        });
        size.complete(total);
        streaming = true;
        resp.resume();
    }

    private void received(HttpClientResponse resp, Buffer buffer, long total) {
        if (ended) {
            return;
        }
        received += buffer.length();
        target.upstream().stats().bytesFetched.addAndGet(buffer.length());
        if (received > total) {
            fail(new UpstreamException("upstream " + target.upstream().name() + " sent more than the blob's " + total + " bytes", 502, null));
            return;
        }
        ByteBuffer bytes = ((BufferInternal) buffer).getByteBuf().nioBuffer();
        if (!appender.append(bytes)) {
            resp.pause();
        }
        // Written once this read burst is over rather than when a whole batch has gathered, so that the readers
        // following the file are never kept waiting for bytes that trickle in.
        scheduleFlush(false);
    }

    /** Flushes the appender at the end of this event-loop turn, or (when it is still writing) a millisecond later. */
    private void scheduleFlush(boolean later) {
        if (flushQueued) {
            return;
        }
        flushQueued = true;
        Runnable flush = () -> {
            flushQueued = false;
            UploadAppender open = appender;
            if (!ended && open != null && !open.flush()) {
                scheduleFlush(true);
            }
        };
        if (later) {
            vertx.setTimer(1, id -> flush.run()); // set on the fill's event loop, so it fires there
        } else {
            context.runOnContext(v -> flush.run());
        }
    }

    private void complete() {
        UploadAppender done = appender;
        appender = null;
        Promise<Void> written = Promise.promise();
        done.finish().whenComplete((r, err) -> {
            boolean right = err == null && hashMatches(r);
            context.runOnContext(v -> {
                if (err != null) {
                    written.fail(err);
                    return;
                }
                if (right) {
                    // The bytes are the blob: its last byte may go out now, while the store makes it durable
                    // (an fsync that would otherwise stand between every client and the end of its pull).
                    verified = true;
                    wake();
                }
                written.complete();
            });
        });
        written.future()
                .compose(v -> registry.uploads().finish(session, digest))
                .compose(v -> linkOthers())
                .onSuccess(v -> {
                    verified = true;
                    LOG.info("cached blob {} of {} from {} ({} bytes)", digest, target.localName(), target.upstream().name(), received);
                    end();
                })
                .onFailure(err -> {
                    session = null; // a finish that failed has dropped the upload already
                    fail(err);
                });
    }

    /** Whether the bytes written hash to the digest asked for (the store checks again when it finishes the upload). */
    private boolean hashMatches(UploadAppender.Result result) {
        if (digest.algorithm() != Digest.Algorithm.SHA256 || result.size() != expectedSize) {
            return false;
        }
        try {
            MessageDigest copy = (MessageDigest) result.hasher().clone();
            return Digest.of(Digest.Algorithm.SHA256, copy.digest()).equals(digest);
        } catch (CloneNotSupportedException e) {
            return false;
        }
    }

    private Future<Void> linkOthers() {
        List<Future<Boolean>> links = new ArrayList<>();
        synchronized (this) {
            for (RepositoryName name : askedBy) {
                if (!name.equals(target.localName())) {
                    links.add(registry.blobs().adopt(name, digest));
                }
            }
        }
        return Future.all(links).mapEmpty();
    }

    private void fail(Throwable err) {
        if (ended) {
            return;
        }
        // before anything below can call back in here (a reset fires the response's exception handler at once)
        ended = true;
        // what the readers answer with: the upstream's 404 as it is; anything else is the upstream failing (503)
        failure = err instanceof RegistryException ? err : RegistryException.of(Problem.UNAVAILABLE, "fetching blob " + digest
                + " from upstream " + target.upstream().name() + " failed: " + UpstreamClient.describe(err));
        try {
            if (!(err instanceof RegistryException re && re.code() == ErrorCode.BLOB_UNKNOWN)) {
                LOG.warn("fetching blob {} of {} from {} failed; nothing stored: {}", digest, target.localName(),
                        target.upstream().name(), err instanceof RegistryException ? err.getMessage() : UpstreamClient.describe(err));
            }
            if (streaming) {
                // stop the transfer: its bytes will not be used
                streaming = false;
                response.handler(null);
                response.request().reset();
            }
            UploadAppender open = appender;
            appender = null;
            UploadSession upload = session;
            Future<Void> aborted = Future.succeededFuture();
            if (open != null) {
                Promise<Void> p = Promise.promise();
                open.abort().whenComplete((v, e) -> p.complete());
                aborted = p.future();
            }
            aborted.onComplete(v -> {
                if (upload != null) {
                    registry.uploads().cancel(upload);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("cleaning up after the failed fetch of blob {} failed: {}", digest, e.toString());
        } finally {
            // whatever the clean-up did, every reader hears of the failure and the next request starts afresh
            size.tryFail(failure);
            end();
        }
    }

    /** The fill is over, either way: it leaves the table first (so the next request starts anew or finds the blob). */
    private void end() {
        ended = true;
        onEnd.accept(this);
        wake();
        release();
    }

    /** A reader for {@code name}: the fill itself once the size is known, or the stored blob if the fill just ended. */
    Future<BlobSource> reader(RepositoryName name) {
        synchronized (this) {
            askedBy.add(name);
        }
        return size.future().compose(total -> {
            synchronized (this) {
                if (channel != null && !channelClosed) {
                    holders++;
                    return Future.succeededFuture(new BlobSource.Filling(total, this));
                }
            }
            if (failure != null) {
                return Future.failedFuture(failure);
            }
            return registry.blobs().openOrAdopt(name, digest);
        });
    }

    @Override
    public long readable() {
        if (verified) {
            return expectedSize;
        }
        return Math.min(written, Math.max(0, expectedSize - 1));
    }

    @Override
    public void whenReadable(long position, Runnable callback) {
        synchronized (this) {
            if (readable() <= position && failure == null && !verified) {
                waiters.add(callback);
                return;
            }
        }
        callback.run();
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    @Override
    public FileChannel channel() {
        return channel;
    }

    @Override
    public void release() {
        FileChannel toClose = null;
        synchronized (this) {
            holders--;
            if (holders <= 0 && ended && channel != null && !channelClosed) {
                channelClosed = true;
                toClose = channel;
            }
        }
        if (toClose != null) {
            try {
                toClose.close();
            } catch (IOException ignored) {
                // read-only
            }
        }
    }

    private void wake() {
        List<Runnable> ready;
        synchronized (this) {
            ready = waiters;
            waiters = new ArrayList<>();
        }
        ready.forEach(Runnable::run);
    }
}
