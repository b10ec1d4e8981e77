package dev.wharf.storage;

/** An I/O failure of the store that the client cannot fix: answered as a 5xx. */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
