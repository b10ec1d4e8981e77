package dev.wharf.mirror;

import dev.wharf.oci.RepositoryName;

/**
 * Where a read of a cached name goes: the upstream, the repository's name there, and the local name its content
 * is kept under (the upstream's prefix, then the upstream's name), which is also the name access control checks.
 */
public record CacheTarget(Upstream upstream, String remoteName, RepositoryName localName) {
}
