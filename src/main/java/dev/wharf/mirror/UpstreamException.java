package dev.wharf.mirror;

/**
 * An upstream could not answer: unreachable, too slow, 5xx, 429, or refusing Wharf's credentials. Distinct from
 * "the upstream says it has no such thing" (a 404), which is an answer.
 */
final class UpstreamException extends RuntimeException {
    private final int status;
    private final String retryAfter;

    UpstreamException(String message, int status, String retryAfter) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    UpstreamException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.retryAfter = null;
    }

    /** The upstream's HTTP status, or 0 when it gave none (no connection, timeout). */
    int status() {
        return status;
    }

    /** The upstream's {@code Retry-After} on a 429 or 503, passed on to the client; null when none. */
    String retryAfter() {
        return retryAfter;
    }
}
