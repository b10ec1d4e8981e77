package dev.wharf.error;

/**
 * The one error type of Wharf: every failure a client should hear about is one of these, and
 * {@code dev.wharf.api.ErrorResponses} turns it into the spec's JSON error body.
 */
public final class RegistryException extends RuntimeException {
    private final ErrorCode code;
    private final int status;
    private final Object detail;

    public RegistryException(ErrorCode code, int status, String message, Object detail) {
        super(message == null ? code.message() : message, null, false, false);
        this.code = code;
        this.status = status;
        this.detail = detail;
    }

    public RegistryException(ErrorCode code, String message) {
        this(code, code.status(), message, null);
    }

    public static RegistryException of(ErrorCode code, String message) {
        return new RegistryException(code, message);
    }

    public static RegistryException withDetail(ErrorCode code, String message, Object detail) {
        return new RegistryException(code, code.status(), message, detail);
    }

    public static RegistryException withStatus(ErrorCode code, int status, String message) {
        return new RegistryException(code, status, message, null);
    }

    public ErrorCode code() {
        return code;
    }

    public int status() {
        return status;
    }

    public Object detail() {
        return detail;
    }
}
