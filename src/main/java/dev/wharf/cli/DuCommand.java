package dev.wharf.cli;

import dev.wharf.config.WharfConfig;
import dev.wharf.integrity.DiskUsage;
import dev.wharf.integrity.UsageReport;
import dev.wharf.storage.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;

/** {@code wharf du}: logical vs physical bytes, deduplication ratio, largest repositories. Read-only. */
@Command(name = "du", mixinStandardHelpOptions = true,
        description = {"Show logical vs physical bytes, dedup ratio, largest repositories.",
                "",
                "Logical bytes are what the repositories hold, added up; physical bytes are the blobs on "
                        + "disk, each once. Read-only: may run beside a server."})
final class DuCommand extends StoreCommand {
    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "How many repositories to list (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    boolean changesStore() {
        return false;
    }

    @Override
    int run(WharfConfig config, Storage storage) throws IOException {
        UsageReport r = new DiskUsage(storage).run(top, progress());
        if (json) {
            printJson(r);
            return OK;
        }
        out().printf("logical   %10s  (%d repositories)%n", Bytes.human(r.logicalBytes()), r.repositories());
        out().printf("physical  %10s  (%d blobs, each stored once)%n", Bytes.human(r.physicalBytes()), r.blobs());
        out().printf("dedup     %9.2fx%n", r.dedupRatio());
        out().printf("uploads   %10s  (in progress)%n", Bytes.human(r.uploadBytes()));
        if (!r.topRepositories().isEmpty()) {
            out().println("largest repositories (logical):");
            for (UsageReport.RepositoryUsage u : r.topRepositories()) {
                out().printf("  %10s  %s  (%d blobs, %d manifests)%n", Bytes.human(u.bytes()), u.name(), u.blobs(), u.manifests());
            }
        }
        out().flush();
        return OK;
    }
}
