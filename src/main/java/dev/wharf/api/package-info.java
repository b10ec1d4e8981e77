/**
 * The registry's HTTP surface: the OCI Distribution / Docker Registry v2 endpoints under {@code /v2/}.
 * {@link dev.wharf.api.RegistryApi} builds the router: every request has its path parsed into an
 * {@link dev.wharf.api.ApiRoute} (checked name, digest or tag), passes the gates (auth, when configured), and
 * reaches one handler per endpoint group (blobs, uploads, manifests, tags, catalog, referrers).
 *
 * <p>Handlers never block the event loop: storage calls go through {@link dev.wharf.api.Work} to worker
 * threads unless they are answered from memory, upload bodies stream to disk through
 * {@link dev.wharf.api.BodyStream} with back-pressure, and blobs are served with {@code sendFile}. Every
 * failure becomes the spec's JSON error body in one place, {@link dev.wharf.api.ErrorResponses}.
 */
package dev.wharf.api;
