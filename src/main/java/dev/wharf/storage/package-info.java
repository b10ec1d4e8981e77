/**
 * The stores behind the registry service, as interfaces: {@link dev.wharf.storage.BlobStore} (content-addressed
 * blobs, each once whatever the number of repositories that hold it), {@link dev.wharf.storage.UploadStore}
 * (upload sessions and their {@link dev.wharf.storage.UploadAppender}), {@link dev.wharf.storage.RepositoryStore}
 * (which repositories exist, which blobs each holds), {@link dev.wharf.storage.TagStore},
 * {@link dev.wharf.storage.RevisionStore} and {@link dev.wharf.storage.ReferrerStore}.
 * {@link dev.wharf.storage.ManifestStore} puts revisions, bytes and the {@link dev.wharf.storage.ManifestCache}
 * together; {@link dev.wharf.storage.Storage} wires one root's stores (today the filesystem driver of
 * {@code dev.wharf.storage.fs}) for the server and the offline tools.
 *
 * <p>The stores speak in domain failures ({@link dev.wharf.storage.UploadStateException}, I/O errors), never in
 * HTTP statuses. Their methods may block: the registry service calls them from worker threads.
 */
package dev.wharf.storage;
