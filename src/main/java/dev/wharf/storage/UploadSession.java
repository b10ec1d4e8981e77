package dev.wharf.storage;

import dev.wharf.oci.RepositoryName;

import java.time.Instant;

/** One blob upload in progress: its id (a UUID), the repository it pushes to, and when it began. */
public record UploadSession(String id, RepositoryName repository, Instant startedAt) {
}
