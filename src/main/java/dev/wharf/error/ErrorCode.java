package dev.wharf.error;

/**
 * The error codes of the OCI Distribution Spec (plus the few that Docker's registry API adds), as they appear
 * in the {@code code} field of an error body, each with the spec's message. Which HTTP status each goes with is
 * the table in {@link Problem}.
 */
public enum ErrorCode {
    BLOB_UNKNOWN("blob unknown to registry"),
    BLOB_UPLOAD_INVALID("blob upload invalid"),
    BLOB_UPLOAD_UNKNOWN("blob upload unknown to registry"),
    DIGEST_INVALID("provided digest did not match uploaded content"),
    MANIFEST_BLOB_UNKNOWN("manifest references a manifest or blob unknown to registry"),
    MANIFEST_INVALID("manifest invalid"),
    MANIFEST_UNKNOWN("manifest unknown to registry"),
    NAME_INVALID("invalid repository name"),
    NAME_UNKNOWN("repository name not known to registry"),
    PAGINATION_NUMBER_INVALID("invalid number of results requested"),
    SIZE_INVALID("provided length did not match content length"),
    TAG_INVALID("manifest tag did not match URI"),
    UNAUTHORIZED("authentication required"),
    DENIED("requested access to the resource is denied"),
    UNSUPPORTED("the operation is unsupported"),
    RANGE_INVALID("invalid content range"),
    TOOMANYREQUESTS("too many requests"),
    UNAVAILABLE("service unavailable"),
    UNKNOWN("unknown error");

    private final String message;

    ErrorCode(String message) {
        this.message = message;
    }

    /** The HTTP status this code goes with unless a {@link Problem} row says otherwise. */
    public int status() {
        return Problem.of(this).status();
    }

    public String message() {
        return message;
    }
}
