package dev.wharf.registry;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.Problem;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.Storage;
import dev.wharf.storage.UploadAppender;
import dev.wharf.storage.UploadSession;
import dev.wharf.storage.WholeBlobWrite;
import io.vertx.core.Future;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Blob uploads from start to finish: open a session (within the per-repository cap), write bodies onto it,
 * finish it (verify the digest, make the bytes a blob, link the blob to the repository, drop the session) or
 * cancel it; and cross-repository mounts, which skip the upload. The HTTP layer streams a body into the
 * {@link UploadAppender} this hands out; everything else happens here.
 */
public final class UploadService {
    /** How the HTTP layer streams a request body into the write it is handed. */
    @FunctionalInterface
    public interface Body {
        Future<UploadAppender.Result> into(UploadAppender appender);
    }

    /** What a client refused for too many open sessions is told to wait before it tries again. */
    static final long RETRY_AFTER_SECONDS = 60;

    private final Storage storage;
    private final Blocking blocking;
    private final BlobMounts mounts;
    private final int maxPerRepository;
    private final boolean automaticMount;

    UploadService(Storage storage, Blocking blocking, int maxPerRepository, boolean automaticMount) {
        this.storage = storage;
        this.blocking = blocking;
        this.mounts = new BlobMounts(storage);
        this.maxPerRepository = maxPerRepository;
        this.automaticMount = automaticMount;
    }

    /**
     * Opens a session. A repository with {@code uploads.maxPerRepository} sessions open is refused with
     * {@code TOOMANYREQUESTS} and a {@code Retry-After}: a flood of starts must not fill the disk with empty
     * sessions. Sessions free their slot when they finish, are cancelled or expire.
     */
    public Future<UploadSession> start(RepositoryName name) {
        return blocking.run(() -> {
            // Check-then-create is not atomic: concurrent starts may pass the cap by a few, which is harmless
            // for a bound whose purpose is to stop a flood.
            if (maxPerRepository > 0 && storage.uploads().count(name) >= maxPerRepository) {
                throw RegistryException.retryLater(Problem.TOOMANYREQUESTS, "repository " + name + " has "
                        + maxPerRepository + " uploads open already; finish or cancel some, or wait for them to expire",
                        RETRY_AFTER_SECONDS);
            }
            return storage.uploads().create(name);
        });
    }

    /** The session {@code id} of {@code name}; {@code BLOB_UPLOAD_UNKNOWN} when there is none. */
    public Future<UploadSession> find(RepositoryName name, String id) {
        return blocking.run(() -> storage.uploads().get(name, id));
    }

    /** The local file the session's bytes arrive in, for a reader that follows it (see {@code UploadStore#dataPath}). */
    public Path dataPath(UploadSession session) {
        return storage.uploads().dataPath(session.id());
    }

    /** Bytes received so far. */
    public Future<Long> size(UploadSession session) {
        return blocking.run(() -> storage.uploads().size(session));
    }

    /** Opens one write onto the session, which must start at {@code start} (-1: wherever the upload ends). */
    public Future<UploadAppender> write(UploadSession session, long start) {
        return blocking.run(() -> storage.uploads().appender(session, start));
    }

    /**
     * Verifies the upload against {@code digest}, makes it a blob and links it to the session's repository, then
     * drops the session. A mismatch drops the session and stores nothing.
     */
    public Future<Void> finish(UploadSession session, Digest digest) {
        return blocking.run(() -> {
            Digest actual = storage.uploads().digest(session, digest.algorithm());
            if (!actual.equals(digest)) {
                storage.uploads().delete(session.id());
                throw mismatch(digest, actual);
            }
            storage.uploads().commit(session, digest);
            storage.repositories().linkBlob(session.repository(), digest);
            storage.uploads().delete(session.id());
            return null;
        });
    }

    /**
     * A monolithic push ({@code POST ?digest=} with the blob as its body): straight to the blob store where the
     * driver has a way ({@code UploadStore#writeWhole}), else through a session that nobody else learns of.
     */
    public Future<Void> pushWhole(RepositoryName name, Digest digest, Body body) {
        return blocking.run(() -> storage.uploads().writeWhole(null, digest)).compose(direct -> {
            if (direct.isPresent()) {
                return throughWhole(name, digest, direct.get(), body, null);
            }
            return start(name).compose(session -> write(session, 0).compose(body::into)
                    .compose(written -> finish(session, digest))
                    .onFailure(err -> discard(session)));
        });
    }

    /**
     * Finishes a session with a PUT that carries a body starting at {@code start} (-1: at the end). A session
     * still empty may take the whole-blob way, as a monolithic push; a failed or torn body then leaves it empty.
     */
    public Future<Void> finishWithBody(UploadSession session, long start, Digest digest, Body body) {
        return blocking.run(() -> start <= 0 ? storage.uploads().writeWhole(session, digest) : Optional.<WholeBlobWrite>empty())
                .compose(direct -> direct.isPresent()
                        ? throughWhole(session.repository(), digest, direct.get(), body, session)
                        : write(session, start).compose(body::into).compose(written -> finish(session, digest)));
    }

    /** The body into {@code write}; only bytes that match {@code digest} become the blob, and the session goes. */
    private Future<Void> throughWhole(RepositoryName name, Digest digest, WholeBlobWrite write, Body body, UploadSession session) {
        return body.into(write).compose(written -> blocking.run(() -> {
            Digest actual = Digest.of(digest.algorithm(), written.hasher().digest());
            if (!actual.equals(digest)) {
                write.discard();
                if (session != null) {
                    storage.uploads().delete(session.id());
                }
                throw mismatch(digest, actual);
            }
            write.publish(() -> storage.repositories().linkBlob(name, digest)); // which ends the session too
            return (Void) null;
        })).onFailure(err -> blocking.run(() -> {
            write.discard();
            return null;
        }));
    }

    private static RegistryException mismatch(Digest expected, Digest actual) {
        return RegistryException.withDetail(ErrorCode.DIGEST_INVALID, "provided digest did not match uploaded content",
                Map.of("expected", expected.toString(), "actual", actual.toString()));
    }

    public Future<Void> cancel(UploadSession session) {
        return blocking.run(() -> {
            storage.uploads().delete(session.id());
            return null;
        });
    }

    /** Drops a session nobody will resume (a monolithic upload that failed: the client never learnt its id). */
    public void discard(UploadSession session) {
        cancel(session);
    }

    /**
     * Links a stored blob into {@code target} when the caller may pull it from {@code from} (any repository
     * when null, if {@code uploads.automaticMount} is on); false means the client should upload it after all.
     */
    public Future<Boolean> mount(RepositoryName target, Digest digest, RepositoryName from, Predicate<RepositoryName> mayPull) {
        if (from == null && !automaticMount) {
            return Future.succeededFuture(false);
        }
        return blocking.run(() -> mounts.tryMount(target, digest, from, mayPull));
    }
}
