package dev.wharf.storage.fs;

import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.RepositoryStore;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One in-memory index per repository (its tags, or its revisions), read from disk the first time the
 * repository is used and kept from then on, so that reads touch no disk. That works because one process owns
 * a storage root ({@code wharf.lock}). A repository that does not exist reads as a shared empty index, so
 * probing unknown names costs no memory.
 *
 * @param <I> the index of one repository
 */
final class RepositoryIndexes<I> {
    /** Reads one repository's index from disk. */
    @FunctionalInterface
    interface Loader<I> {
        I load(RepositoryName repository) throws IOException;
    }

    private final Map<RepositoryName, I> indexes = new ConcurrentHashMap<>();
    private final RepositoryStore repositories;
    private final Loader<I> loader;
    private final I none;

    /** @param none what a repository that does not exist reads as; never written to */
    RepositoryIndexes(RepositoryStore repositories, Loader<I> loader, I none) {
        this.repositories = repositories;
        this.loader = loader;
        this.none = none;
    }

    /** The index if it is in memory, else null; never blocks. */
    I inMemory(RepositoryName repository) {
        return indexes.get(repository);
    }

    /** The index for reading; blocks the first time a repository is read. */
    I forReading(RepositoryName repository) throws IOException {
        I index = indexes.get(repository);
        if (index != null) {
            return index;
        }
        return repositories.exists(repository) ? forWriting(repository) : none;
    }

    /** The index for writing: loaded (or created empty) and kept. */
    I forWriting(RepositoryName repository) throws IOException {
        I index = indexes.get(repository);
        if (index != null) {
            return index;
        }
        synchronized (indexes) {
            index = indexes.get(repository);
            if (index == null) {
                index = loader.load(repository);
                indexes.put(repository, index);
            }
            return index;
        }
    }
}
