package dev.wharf.error;

/**
 * The one error type of Wharf: every failure a client should hear about is one of these, and
 * {@code dev.wharf.api.ErrorResponses} turns it into the spec's JSON error body. Its status comes from its
 * {@link Problem} row, never from the place that throws it.
 */
public final class RegistryException extends RuntimeException {
    private final Problem problem;
    private final Object detail;
    private final Long retryAfterSeconds;

    private RegistryException(Problem problem, String message, Object detail, Long retryAfterSeconds) {
        super(message == null ? problem.code().message() : message, null, false, false);
        this.problem = problem;
        this.detail = detail;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A spec code at its own status. */
    public static RegistryException of(ErrorCode code, String message) {
        return new RegistryException(Problem.of(code), message, null, null);
    }

    public static RegistryException of(Problem problem, String message) {
        return new RegistryException(problem, message, null, null);
    }

    public static RegistryException withDetail(ErrorCode code, String message, Object detail) {
        return new RegistryException(Problem.of(code), message, detail, null);
    }

    /** A refusal the client may try again after {@code seconds} ({@code Retry-After}). */
    public static RegistryException retryLater(Problem problem, String message, long seconds) {
        return new RegistryException(problem, message, null, seconds);
    }

    public ErrorCode code() {
        return problem.code();
    }

    public Problem problem() {
        return problem;
    }

    public int status() {
        return problem.status();
    }

    public Object detail() {
        return detail;
    }

    /** Seconds after which the client may try again, or null. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
