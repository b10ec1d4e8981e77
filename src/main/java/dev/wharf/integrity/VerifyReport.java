package dev.wharf.integrity;

import java.util.List;

/**
 * The outcome of {@link Verifier#run}: how much was checked and every blob whose content no longer matches
 * its digest. Serialised as-is for {@code --json}.
 */
public record VerifyReport(int blobsChecked, long bytesChecked, long durationMillis, List<Corrupt> corrupt) {

    /**
     * One damaged blob: its digest, the digest its bytes have now, and where it was moved (null when the run
     * only reported, or when it vanished while being checked).
     */
    public record Corrupt(String digest, String actual, long size, String quarantinedTo) {
    }

    public boolean clean() {
        return corrupt.isEmpty();
    }
}
