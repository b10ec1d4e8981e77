/**
 * The registry's HTTP surface, and nothing else: the OCI Distribution / Docker Registry v2 endpoints under
 * {@code /v2/}. {@link dev.wharf.api.RegistryApi} builds the router: every request has its path parsed into an
 * {@link dev.wharf.api.ApiRoute} (checked name, digest or tag), passes the gates (auth, when configured), and
 * reaches one handler per endpoint group (blobs, uploads, manifests, tags, catalog, referrers).
 *
 * <p>A handler parses, calls the registry service ({@code dev.wharf.registry}) and writes the answer; it returns
 * a future, and dispatch answers every failure with the spec's JSON error body in one place,
 * {@link dev.wharf.api.ErrorResponses}. Upload bodies stream into the service's appender through
 * {@link dev.wharf.api.BodyStream} with back-pressure, and blobs go out with {@code sendFile}.
 */
package dev.wharf.api;
