package dev.wharf.integrity;

import dev.wharf.oci.Digest;
import dev.wharf.storage.BlobStore;
import dev.wharf.storage.Progress;
import dev.wharf.storage.Storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-hashes every stored blob (layers, configs and manifests alike) with its digest's algorithm. A blob
 * whose bytes no longer hash to its name (bit rot, a tampered file, a torn write on a disk that lied about
 * fsync) is reported and, unless the run only reports, moved to quarantine: from then on the registry
 * answers 404 for it, and a client pushes it again. Blocking.
 */
public final class Verifier {
    private static final int BUFFER = 1 << 16;

    private final BlobStore blobs;

    public Verifier(Storage storage) {
        this.blobs = storage.blobs();
    }

    /** Checks every blob; with {@code quarantine}, moves the damaged ones out of the store. */
    public VerifyReport run(boolean quarantine, Progress progress) throws IOException {
        long started = System.nanoTime();
        List<Digest> digests = blobs.list();
        long total = 0;
        for (Digest d : digests) {
            total += blobs.size(d).orElse(0);
        }
        progress.begin("verify", "blobs", digests.size(), total);
        List<VerifyReport.Corrupt> corrupt = new ArrayList<>();
        long checked = 0;
        int count = 0;
        byte[] buffer = new byte[BUFFER];
        for (Digest digest : digests) {
            Digest actual;
            long size;
            try {
                size = blobs.size(digest).orElseThrow(() -> new NoSuchFileException(digest.toString()));
                actual = hash(blobs, digest, buffer, progress);
            } catch (NoSuchFileException removedMeanwhile) {
                continue;
            }
            count++;
            checked += size;
            if (!actual.equals(digest)) {
                String moved = quarantine ? blobs.quarantine(digest) : null;
                corrupt.add(new VerifyReport.Corrupt(digest.toString(), actual.toString(), size, moved));
            }
            progress.advance(1, 0);
        }
        progress.end();
        return new VerifyReport(count, checked, (System.nanoTime() - started) / 1_000_000, corrupt);
    }

    private static Digest hash(BlobStore blobs, Digest digest, byte[] buffer, Progress progress) throws IOException {
        Digest.Algorithm algorithm = digest.algorithm();
        MessageDigest hasher = algorithm.newHasher();
        try (InputStream in = blobs.openStream(digest)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                hasher.update(buffer, 0, n);
                progress.advance(0, n);
            }
        }
        return Digest.of(algorithm, hasher.digest());
    }
}
