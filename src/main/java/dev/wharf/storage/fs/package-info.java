/**
 * The filesystem driver, Wharf's embedded default: every store of {@code dev.wharf.storage} over one folder.
 * {@link dev.wharf.storage.fs.StorageLayout} draws the whole tree and is where every path comes from;
 * {@link dev.wharf.storage.fs.LayoutVersion} guards it against newer layouts.
 *
 * <p>Every write is whole or absent: blobs are hashed while they stream, fsync'd (see
 * {@link dev.wharf.storage.fs.Durability}) and renamed into place; metadata is replaced atomically. One process
 * owns a root ({@link dev.wharf.storage.fs.StorageLock}), which is what lets the in-memory indexes
 * ({@link dev.wharf.storage.fs.RepositoryIndexes}) stand in for directory walks. A blob's modification time is
 * the garbage-collection interlock: {@link dev.wharf.storage.fs.FileBlobStore} refreshes it under a per-digest
 * lock, and a refresh that fails fails the operation.
 */
package dev.wharf.storage.fs;
