/**
 * Everything under one storage root: the content-addressed blob store (each blob once, whatever the number
 * of repositories that hold it), upload sessions, which repositories hold which blobs, and manifests, tags
 * and referrers. {@link dev.wharf.storage.StorageLayout} draws the whole tree on disk;
 * {@link dev.wharf.storage.Storage} wires the stores together for the server and the offline tools.
 *
 * <p>Every write is whole or absent: blobs are hashed while they stream, fsync'd (see
 * {@link dev.wharf.storage.Durability}) and renamed into place; metadata is replaced atomically. One process
 * owns a root ({@link dev.wharf.storage.StorageLock}), which is what lets the in-memory indexes stand in for
 * directory walks. Methods here may block: the API calls them from worker threads.
 */
package dev.wharf.storage;
