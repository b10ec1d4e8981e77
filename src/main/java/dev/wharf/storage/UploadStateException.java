package dev.wharf.storage;

/**
 * An upload is not in the state an operation needs. A domain failure, not an HTTP one: the registry service
 * decides what the client hears.
 */
public final class UploadStateException extends RuntimeException {
    public enum Kind {
        /** No such session (never was, finished, cancelled or expired, or of another repository). */
        UNKNOWN,
        /** Another request is writing to the session now. */
        BUSY,
        /** A write was to start at another offset than the upload's size. */
        OFFSET
    }

    private final Kind kind;
    private final long size;

    public UploadStateException(Kind kind, String message, long size) {
        super(message, null, false, false);
        this.kind = kind;
        this.size = size;
    }

    public static UploadStateException unknown() {
        return new UploadStateException(Kind.UNKNOWN, "upload unknown", -1);
    }

    public Kind kind() {
        return kind;
    }

    /** The upload's size when the failure was seen (for OFFSET), else -1. */
    public long size() {
        return size;
    }
}
