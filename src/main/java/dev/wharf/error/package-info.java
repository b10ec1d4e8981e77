/**
 * The one error type: a {@link dev.wharf.error.RegistryException} carries an
 * {@link dev.wharf.error.ErrorCode} of the spec ({@code BLOB_UNKNOWN}, {@code DIGEST_INVALID}, ...), the HTTP
 * status, a message and optional detail. {@link dev.wharf.api.ErrorResponses} is the only place that turns
 * it into a response.
 */
package dev.wharf.error;
