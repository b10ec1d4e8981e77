/**
 * The S3 driver: every store of {@code dev.wharf.storage} over one S3-compatible bucket, shared by any number of
 * Wharf processes (replicas). Nothing a request needs lives only in one process: upload state (the multipart
 * upload, the SHA-256 state, the bytes short of a part) is in the bucket, so any replica can take the next
 * request of an upload. Each replica caches what it read for {@code storage.s3.cacheTtl} at most, which bounds
 * how stale another replica's write can look. Layout, consistency rule and the GC protocol: docs/storage.md.
 * {@link dev.wharf.storage.s3.S3Bucket} is the only class that speaks to the SDK.
 */
package dev.wharf.storage.s3;
