package dev.wharf.storage;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Each repository's tags: name → manifest digest. The last of concurrent writers of one tag wins. Blocking,
 * except the methods that say they answer from memory.
 */
public interface TagStore {

    /** The digest the tag points at, or null. */
    Digest resolve(RepositoryName repository, Tag tag) throws IOException;

    /** The digest if it is known without blocking; null means "ask {@link #resolve}" (not necessarily absent). */
    Digest resolveFromMemory(RepositoryName repository, Tag tag);

    void tag(RepositoryName repository, Tag tag, Digest digest) throws IOException;

    /** Removes the tag; returns whether it existed. */
    boolean untag(RepositoryName repository, Tag tag) throws IOException;

    /** Removes every tag of the repository that points at {@code digest}; returns their names. */
    List<String> untagAll(RepositoryName repository, Digest digest) throws IOException;

    /** Tags in lexical order, after {@code last} (exclusive) when given, at most {@code limit}. */
    List<String> list(RepositoryName repository, String last, int limit) throws IOException;

    /** Every tag and the digest it points at, for garbage collection and retention. */
    Map<String, Digest> all(RepositoryName repository) throws IOException;

    /** When the tag was last pushed, or null when it does not exist (retention). */
    Instant pushedAt(RepositoryName repository, Tag tag) throws IOException;

    /** The repository's most recently pushed tag, or null when it has none (search descriptions). */
    Tag newest(RepositoryName repository) throws IOException;

    /** Whether the repository's tags are in memory, so that reading them cannot block. */
    boolean isInMemory(RepositoryName repository);
}
