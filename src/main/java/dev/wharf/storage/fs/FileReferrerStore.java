package dev.wharf.storage.fs;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.ReferrerStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The filesystem driver's referrers: one file per (subject, referrer) pair
 * ({@code _referrers/<alg>/<subject hex>/<alg>-<hex>}, content = the referrer's descriptor), written at push time
 * so that a referrers query reads one folder instead of parsing every manifest.
 */
public final class FileReferrerStore implements ReferrerStore {
    private final StorageLayout layout;
    private final Durability durability;

    public FileReferrerStore(StorageLayout layout, Durability durability) {
        this.layout = layout;
        this.durability = durability;
    }

    @Override
    public void add(RepositoryName repository, Digest subject, Digest referrer, byte[] descriptorJson) throws IOException {
        durability.writeAtomically(layout.referrerFile(repository, subject, referrer), descriptorJson);
    }

    @Override
    public void remove(RepositoryName repository, Digest subject, Digest referrer) throws IOException {
        Files.deleteIfExists(layout.referrerFile(repository, subject, referrer));
    }

    @Override
    public List<byte[]> list(RepositoryName repository, Digest subject) throws IOException {
        Path dir = layout.referrersDir(repository, subject);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<byte[]> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                try {
                    found.add(Files.readAllBytes(f));
                } catch (NoSuchFileException raced) {
                    // deleted while we listed: not a referrer any more
                }
            }
        }
        return found;
    }
}
