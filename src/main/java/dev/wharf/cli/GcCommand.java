package dev.wharf.cli;

import dev.wharf.config.Durations;
import dev.wharf.config.WharfConfig;
import dev.wharf.gc.GarbageCollector;
import dev.wharf.gc.GcOptions;
import dev.wharf.gc.GcReport;
import dev.wharf.gc.RetentionPolicy;
import dev.wharf.storage.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/** {@code wharf gc}: garbage collection over a storage root no server is using (see docs/storage.md). */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = {"Collect garbage: unreferenced blobs, expired tags, untagged manifests.",
                "",
                "Removes blobs no manifest references, tags that retention policies expire and, with "
                        + "--untagged, manifests no tag reaches. Refuses (exit 2) while a server owns the storage "
                        + "root: use its POST /_wharf/gc instead. --dry-run changes nothing and may run beside a "
                        + "server."})
final class GcCommand extends StoreCommand {
    @Option(names = "--dry-run", description = "List what would go and the bytes it would free; change nothing.")
    boolean dryRun;

    @Option(names = "--untagged", description = "Also remove manifests that no tag, index or kept subject reaches "
            + "(default: gc.untagged).")
    boolean untagged;

    @Option(names = "--grace-period", paramLabel = "DURATION",
            description = "Spare content younger than this (default: gc.gracePeriod, e.g. 1h; 0s spares nothing).")
    String gracePeriod;

    @Override
    boolean changesStore() {
        return !dryRun;
    }

    @Override
    int run(WharfConfig config, Storage storage) throws IOException {
        Duration grace = gracePeriod != null ? Durations.parse(gracePeriod) : config.gc().gracePeriodDuration();
        GcOptions options = new GcOptions(dryRun, untagged || config.gc().untagged(), grace,
                RetentionPolicy.fromConfig(config.gc()));
        GcReport report = new GarbageCollector(storage).run(options, progress());
        if (json) {
            printJson(report);
        } else {
            printText(report);
        }
        return OK;
    }

    private void printText(GcReport r) {
        String verb = r.dryRun() ? "would remove" : "removed";
        if (r.dryRun()) {
            r.tagsRemoved().forEach(t -> out().println("would remove tag " + t));
            r.manifestsRemoved().forEach(m -> out().println("would remove manifest " + m));
            r.blobsRemoved().forEach(b -> out().println("would remove blob " + b));
        }
        out().printf("gc%s: %s %d tag(s), %d manifest(s), %d blob(s), %s %s; kept %d blob(s), %d of them only "
                        + "because they are younger than the grace period (%s); %s %d repository link(s) to removed "
                        + "blobs; %.1f s%n",
                r.dryRun() ? " (dry run)" : "", verb, r.tagsRemoved().size(), r.manifestsRemoved().size(),
                r.blobsRemoved().size(), r.dryRun() ? "freeing" : "freed", Bytes.human(r.bytesFreed()), r.blobsKept(),
                r.youngBlobsSpared(), Duration.ofSeconds(r.gracePeriodSeconds()).toString().substring(2).toLowerCase(Locale.ROOT),
                r.dryRun() ? "would drop" : "dropped", r.layerLinksRemoved(), r.durationMillis() / 1000.0);
        out().flush();
    }
}
