package dev.wharf.storage;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;

import java.io.IOException;
import java.util.List;
import java.util.NavigableSet;

/**
 * Which repositories exist and which blobs each one holds (its links). A repository comes into being with its
 * first blob or manifest. Blocking, except {@link #isScanned}.
 */
public interface RepositoryStore {

    boolean holdsBlob(RepositoryName repository, Digest digest) throws IOException;

    /** Records that {@code repository} holds the blob; idempotent. */
    void linkBlob(RepositoryName repository, Digest digest) throws IOException;

    boolean unlinkBlob(RepositoryName repository, Digest digest) throws IOException;

    /** Every digest the repository holds as a blob, for garbage collection and du. */
    List<Digest> linkedBlobs(RepositoryName repository) throws IOException;

    boolean exists(RepositoryName repository);

    /** Records that the repository exists (its first manifest arrived). */
    void remember(RepositoryName repository) throws IOException;

    /** Repository names in lexical order, starting after {@code last} (exclusive) when given. */
    List<String> list(String last, int limit);

    /** Whether the names are in memory already, so that listing them cannot block. */
    boolean isScanned();

    /** Every name, sorted; a live view. */
    NavigableSet<String> names();
}
