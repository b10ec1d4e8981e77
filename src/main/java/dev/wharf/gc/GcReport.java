package dev.wharf.gc;

import java.util.List;

/**
 * What a garbage collection removed, or would remove in a dry run: tags as {@code repo:tag}, manifests as
 * {@code repo@digest}, blobs as digests. Serialised as-is for {@code --json} and {@code POST /_wharf/gc}.
 *
 * @param youngBlobsSpared unreferenced blobs kept because they are younger than the grace period
 * @param layerLinksRemoved repository links to blobs that are gone, removed with them
 */
public record GcReport(boolean dryRun, boolean untagged, long gracePeriodSeconds, long durationMillis,
                       List<String> tagsRemoved, List<String> manifestsRemoved, List<String> blobsRemoved,
                       long bytesFreed, int blobsScanned, int blobsKept, int youngBlobsSpared,
                       int layerLinksRemoved) {
}
