package dev.wharf.registry;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.Problem;
import dev.wharf.error.RegistryException;
import dev.wharf.storage.UploadStateException;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place where failures of the domain (the stores, the disk) become what a client hears: a
 * {@link RegistryException} with its spec code. The stores know nothing of HTTP or error codes; everything the
 * registry service returns has passed through here.
 */
public final class Failures {
    private Failures() {
    }

    /** The client-facing form of {@code failure}, or null when it is unexpected (a bug or an I/O error: a 500). */
    public static RegistryException translate(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof RegistryException registry) {
            return registry;
        }
        if (t instanceof UploadStateException upload) {
            return switch (upload.kind()) {
                case UNKNOWN -> RegistryException.of(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload unknown");
                case BUSY -> RegistryException.of(Problem.UPLOAD_BUSY, upload.getMessage());
                case OFFSET -> RegistryException.withDetail(ErrorCode.RANGE_INVALID, upload.getMessage(), Map.of("size", upload.size()));
            };
        }
        if (isDiskFull(t)) {
            return RegistryException.of(Problem.STORAGE_FULL, "insufficient storage: the registry's disk is full");
        }
        return null;
    }

    /** What a delete is answered with on a registry whose deletes are off ({@code storage.deleteEnabled: false}). */
    static RegistryException deletesDisabled() {
        return RegistryException.of(ErrorCode.UNSUPPORTED, "deletes are disabled on this registry");
    }

    /** The failure a future should carry: the translated form when there is one, else the original. */
    static Throwable forClient(Throwable failure) {
        RegistryException translated = translate(failure);
        return translated != null ? translated : unwrap(failure);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean isDiskFull(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (c instanceof IOException && m != null && (m.contains("No space left") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
