package dev.wharf.integrity;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.Progress;
import dev.wharf.storage.Storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adds up the store: logical bytes per repository (the blobs it links plus its manifests), physical bytes
 * (every stored blob once), the ratio, and the largest repositories. Reads only, so it may run beside a
 * server. Blocking.
 */
public final class DiskUsage {
    private final Storage storage;

    public DiskUsage(Storage storage) {
        this.storage = storage;
    }

    public UsageReport run(int top, Progress progress) throws IOException {
        List<Digest> stored = storage.blobs().list();
        progress.begin("sizes", "blobs", stored.size(), 0);
        Map<Digest, Long> sizes = storage.blobs().sizes(stored, size -> progress.advance(1, size));
        long physical = sizes.values().stream().mapToLong(Long::longValue).sum();
        progress.end();

        List<String> names = List.copyOf(storage.repositories().names());
        progress.begin("usage", "repositories", names.size(), 0);
        List<UsageReport.RepositoryUsage> repositories = new ArrayList<>();
        long logical = 0;
        for (String name : names) {
            UsageReport.RepositoryUsage usage = repository(RepositoryName.parse(name), sizes);
            repositories.add(usage);
            logical += usage.bytes();
            progress.advance(1, 0);
        }
        progress.end();
        repositories.sort(Comparator.comparingLong(UsageReport.RepositoryUsage::bytes).reversed()
                .thenComparing(UsageReport.RepositoryUsage::name));
        double ratio = physical == 0 ? 1.0 : (double) logical / physical;
        return new UsageReport(logical, physical, Math.round(ratio * 100) / 100.0, sizes.size(), names.size(),
                storage.uploads().bytesInProgress(), List.copyOf(repositories.subList(0, Math.min(top, repositories.size()))));
    }

    private UsageReport.RepositoryUsage repository(RepositoryName name, Map<Digest, Long> sizes) throws IOException {
        Set<Digest> blobs = new HashSet<>(storage.repositories().linkedBlobs(name));
        Set<Digest> manifests = storage.revisions().all(name).keySet();
        Set<Digest> all = new HashSet<>(blobs);
        all.addAll(manifests);
        long bytes = 0;
        for (Digest d : all) {
            bytes += sizes.getOrDefault(d, 0L);
        }
        return new UsageReport.RepositoryUsage(name.value(), bytes, blobs.size(), manifests.size());
    }
}
