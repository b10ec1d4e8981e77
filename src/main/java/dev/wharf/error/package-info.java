/**
 * The one error type: a {@link dev.wharf.error.RegistryException} names its row of
 * {@link dev.wharf.error.Problem}, the one table of (spec {@link dev.wharf.error.ErrorCode}, HTTP status) pairs,
 * with a message and optional detail. {@link dev.wharf.api.ErrorResponses} is the only place that turns it into
 * a response.
 */
package dev.wharf.error;
