package dev.wharf.storage;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Upload sessions: bytes of a blob on their way in, kept so that they survive a restart and can be resumed.
 * A finished upload becomes a blob with {@link #commit}, which verifies nothing itself: the caller has checked
 * the digest. All methods block except {@link #appender}'s writes, which run on the store's own threads.
 */
public interface UploadStore {

    UploadSession create(RepositoryName repository) throws IOException;

    /** The session {@code id} of {@code repository}; {@link UploadStateException} UNKNOWN when there is none. */
    UploadSession get(RepositoryName repository, String id) throws IOException;

    /**
     * The local file holding the session's bytes as they arrive, for a reader that follows the upload while it
     * is written (the pull-through cache serves a blob to its clients while it fills). It becomes the blob's file
     * at {@link #commit}, so a reader that opened it keeps reading the same bytes.
     */
    Path dataPath(String id);

    /** Bytes received so far. */
    long size(UploadSession session) throws IOException;

    /**
     * Opens the session for one write that must start at {@code expectedOffset} (or at the end when negative).
     * Only one write per session at a time: a second one is refused ({@link UploadStateException} BUSY) while
     * the first runs, and a wrong offset is {@link UploadStateException} OFFSET.
     */
    UploadAppender appender(UploadSession session, long expectedOffset) throws IOException;

    /** The digest of everything uploaded so far, in {@code algorithm}. */
    Digest digest(UploadSession session, Digest.Algorithm algorithm) throws IOException;

    /**
     * Makes the upload's bytes durable and the content of {@code digest} in the blob store of the same driver
     * (nothing new is written when the blob is already stored). The session stays until {@link #delete}.
     */
    void commit(UploadSession session, Digest digest) throws IOException;

    void delete(String id) throws IOException;

    /**
     * A write of the whole blob {@code digest} in one body that skips the session: for a monolithic push
     * ({@code session} null), or the PUT that carries every byte of a session still empty. Empty when the driver
     * has nothing quicker than a session's own write (the filesystem's is a local rename), or the session holds
     * bytes already.
     */
    default Optional<WholeBlobWrite> writeWhole(UploadSession session, Digest digest) throws IOException {
        return Optional.empty();
    }

    /** Upload sessions that exist now in {@code repository} (for the per-repository cap). */
    int count(RepositoryName repository);

    /** Bytes held by uploads in progress, for {@code du}. */
    long bytesInProgress() throws IOException;

    /** Removes every upload not written to for {@code expiry}; returns how many went. */
    int purgeAbandoned(Duration expiry) throws IOException;
}
