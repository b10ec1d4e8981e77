package dev.wharf.error;

/**
 * Every (error code, HTTP status) pair Wharf answers with, in one table. Most codes of the spec go with one
 * status ({@code BLOB_UNKNOWN} is always 404); the rows below them are the deliberate exceptions, each with why.
 * A failure names its row, never a bare status, so a new pair cannot appear by accident.
 */
public enum Problem {
    // The spec's codes at the status the spec gives them (distribution-spec, "Error Codes" and the endpoint table).
    BLOB_UNKNOWN(ErrorCode.BLOB_UNKNOWN, 404),
    BLOB_UPLOAD_INVALID(ErrorCode.BLOB_UPLOAD_INVALID, 400),
    BLOB_UPLOAD_UNKNOWN(ErrorCode.BLOB_UPLOAD_UNKNOWN, 404),
    DIGEST_INVALID(ErrorCode.DIGEST_INVALID, 400),
    MANIFEST_BLOB_UNKNOWN(ErrorCode.MANIFEST_BLOB_UNKNOWN, 400),
    MANIFEST_INVALID(ErrorCode.MANIFEST_INVALID, 400),
    MANIFEST_UNKNOWN(ErrorCode.MANIFEST_UNKNOWN, 404),
    NAME_INVALID(ErrorCode.NAME_INVALID, 400),
    NAME_UNKNOWN(ErrorCode.NAME_UNKNOWN, 404),
    PAGINATION_NUMBER_INVALID(ErrorCode.PAGINATION_NUMBER_INVALID, 400),
    SIZE_INVALID(ErrorCode.SIZE_INVALID, 400),
    TAG_INVALID(ErrorCode.TAG_INVALID, 400),
    UNAUTHORIZED(ErrorCode.UNAUTHORIZED, 401),
    DENIED(ErrorCode.DENIED, 403),
    /** The spec's answer to a DELETE on a registry that does not allow deletes. */
    UNSUPPORTED(ErrorCode.UNSUPPORTED, 405),
    RANGE_INVALID(ErrorCode.RANGE_INVALID, 416),
    /** Clients (containerd, Docker) back off and retry on 429; a {@code Retry-After} says when. */
    TOOMANYREQUESTS(ErrorCode.TOOMANYREQUESTS, 429),
    /** Clients retry 503 with back-off; a {@code Retry-After} says when. */
    UNAVAILABLE(ErrorCode.UNAVAILABLE, 503),
    UNKNOWN(ErrorCode.UNKNOWN, 500),

    // Deliberate pairs beyond the spec's defaults.
    /** A method the endpoint does not have: HTTP's 405, with the spec's nearest code. */
    METHOD_NOT_ALLOWED(ErrorCode.UNSUPPORTED, 405),
    /** A path outside the registry API: plain 404 (the spec defines no code for it). */
    NOT_FOUND(ErrorCode.UNSUPPORTED, 404),
    /** A path under {@code /v2/} that is no endpoint, usually a malformed name: 404 as Distribution answers. */
    ENDPOINT_UNKNOWN(ErrorCode.NAME_UNKNOWN, 404),
    /**
     * A digest algorithm Wharf does not implement (sha384 ...): a bad request, not a missing method. The spec's
     * {@code UNSUPPORTED} tells the client the digest was well formed.
     */
    DIGEST_ALGORITHM_UNSUPPORTED(ErrorCode.UNSUPPORTED, 400),
    /** A token request for another service: a bad request to the token endpoint. */
    TOKEN_SERVICE_UNKNOWN(ErrorCode.UNSUPPORTED, 400),
    /**
     * A manifest over {@code manifests.maxBytes}. The spec lets a registry answer 413 here and names no code of its
     * own; {@code MANIFEST_INVALID} is the spec code clients know, so it goes with it.
     */
    MANIFEST_TOO_LARGE(ErrorCode.MANIFEST_INVALID, 413),
    /**
     * A second request writing to one upload while the first still runs. 416, like a chunk at the wrong offset,
     * because that is what it would become: clients answer it by reading the upload's status and resuming.
     */
    UPLOAD_BUSY(ErrorCode.BLOB_UPLOAD_INVALID, 416),
    /** A request body over a limit of the router (the token form): HTTP's 413, the spec's nearest code. */
    REQUEST_TOO_LARGE(ErrorCode.SIZE_INVALID, 413),
    /** A request the router could not read (a malformed form): HTTP's 400. */
    REQUEST_MALFORMED(ErrorCode.UNSUPPORTED, 400),
    /** The disk is full: 507 Insufficient Storage, so that operators and clients see it is not a bug. */
    STORAGE_FULL(ErrorCode.UNKNOWN, 507);

    private final ErrorCode code;
    private final int status;

    Problem(ErrorCode code, int status) {
        this.code = code;
        this.status = status;
    }

    public ErrorCode code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** The row for a failure that only says its HTTP status (raised by Vert.x itself, e.g. a body limit). */
    public static Problem forStatus(int status) {
        return switch (status) {
            case 400 -> REQUEST_MALFORMED;
            case 401 -> UNAUTHORIZED;
            case 403 -> DENIED;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 413 -> REQUEST_TOO_LARGE;
            default -> UNKNOWN;
        };
    }

    /** The row of a spec code at its own status. */
    public static Problem of(ErrorCode code) {
        return valueOf(code.name());
    }
}
