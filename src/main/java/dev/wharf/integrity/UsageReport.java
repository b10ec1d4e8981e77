package dev.wharf.integrity;

import java.util.List;

/**
 * What the store holds: {@code logicalBytes} is what the repositories hold added up (a layer shared by ten
 * repositories counts ten times), {@code physicalBytes} what the blobs take on disk (each once), and
 * {@code dedupRatio} the first over the second. {@code uploadBytes} are uploads still in progress.
 * Serialised as-is for {@code --json}.
 */
public record UsageReport(long logicalBytes, long physicalBytes, double dedupRatio, int blobs, int repositories,
                          long uploadBytes, List<RepositoryUsage> topRepositories) {

    /** One repository's logical size: its linked blobs and its manifests. */
    public record RepositoryUsage(String name, long bytes, int blobs, int manifests) {
    }
}
