package dev.wharf.error;

/**
 * The error codes of the OCI Distribution Spec (plus the few that Docker's registry API adds),
 * each with the HTTP status it is answered with unless a handler has a better one.
 */
public enum ErrorCode {
    BLOB_UNKNOWN(404, "blob unknown to registry"),
    BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
    BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
    DIGEST_INVALID(400, "provided digest did not match uploaded content"),
    MANIFEST_BLOB_UNKNOWN(400, "manifest references a manifest or blob unknown to registry"),
    MANIFEST_INVALID(400, "manifest invalid"),
    MANIFEST_UNKNOWN(404, "manifest unknown to registry"),
    NAME_INVALID(400, "invalid repository name"),
    NAME_UNKNOWN(404, "repository name not known to registry"),
    PAGINATION_NUMBER_INVALID(400, "invalid number of results requested"),
    SIZE_INVALID(400, "provided length did not match content length"),
    TAG_INVALID(400, "manifest tag did not match URI"),
    UNAUTHORIZED(401, "authentication required"),
    DENIED(403, "requested access to the resource is denied"),
    UNSUPPORTED(405, "the operation is unsupported"),
    RANGE_INVALID(416, "invalid content range"),
    PAYLOAD_TOO_LARGE(413, "payload too large"),
    TOOMANYREQUESTS(429, "too many requests"),
    UNAVAILABLE(503, "service unavailable"),
    UNKNOWN(500, "unknown error");

    private final int status;
    private final String message;

    ErrorCode(int status, String message) {
        this.status = status;
        this.message = message;
    }

    public int status() {
        return status;
    }

    public String message() {
        return message;
    }
}
