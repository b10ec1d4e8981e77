package dev.wharf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.function.Function;

/**
 * One registry in the comparison: its process, a client bound to its port, and how to remove a blob's stored
 * bytes (so pushed blobs can be removed between measurements and the run fits on the disk): a file on disk, or an
 * object in an S3 bucket. {@code label} names its column in the results (an HTTPS instance shares its plain
 * twin's); {@code description} says for the report how it was started and which version it is.
 */
record Contender(String label, boolean isWharf, String description, ServerProcess server, RegistryClient client,
                 Reclaimer reclaimer) implements AutoCloseable {

    /** Removes the stored bytes of blobs behind the registry's back. */
    @FunctionalInterface
    interface Reclaimer {
        void reclaim(Collection<BlobContent> blobs);

        /** Deletes each blob's data file, {@code blobFile} of its digest, and the folder it is in. */
        static Reclaimer files(Function<String, Path> blobFile) {
            return blobs -> {
                for (BlobContent blob : blobs) {
                    Path data = blobFile.apply(blob.digest());
                    try {
                        Files.deleteIfExists(data);
                        Files.deleteIfExists(data.getParent());
                    } catch (IOException e) {
                        System.err.println("could not reclaim " + data + ": " + e);
                    }
                }
            };
        }
    }

    /**
     * Deletes the stored bytes of blobs nothing will read again. Both registries keep no blob index in
     * memory that a later request of this run could trip over: the blobs are never asked for again.
     */
    void reclaim(Collection<BlobContent> blobs) {
        reclaimer.reclaim(blobs);
    }

    @Override
    public void close() {
        server.close();
    }
}
