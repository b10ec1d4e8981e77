package dev.wharf.cli;

import dev.wharf.config.WharfConfig;
import dev.wharf.integrity.Verifier;
import dev.wharf.integrity.VerifyReport;
import dev.wharf.storage.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;

/** {@code wharf verify}: re-hash every blob; exit 1 when any is corrupt. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Re-hash every blob and manifest; quarantine corrupt ones.",
                "",
                "Corrupt blobs are reported and moved to quarantine/ so they are never served (exit 1). "
                        + "Moving needs the storage root to itself (exit 2 while a server runs); --no-quarantine "
                        + "only reports and may run beside a server."})
final class VerifyCommand extends StoreCommand {
    @Option(names = "--no-quarantine", description = "Report corrupt blobs but leave them where they are.")
    boolean reportOnly;

    @Override
    boolean changesStore() {
        return !reportOnly;
    }

    @Override
    int run(WharfConfig config, Storage storage) throws IOException {
        VerifyReport report = new Verifier(storage).run(!reportOnly, progress());
        if (json) {
            printJson(report);
        } else {
            for (VerifyReport.Corrupt c : report.corrupt()) {
                out().println("CORRUPT " + c.digest() + " (" + Bytes.human(c.size()) + "): its content hashes to "
                        + c.actual() + (c.quarantinedTo() == null ? "" : "; moved to " + c.quarantinedTo()));
            }
            out().printf("verify: %d blob(s), %s checked in %.1f s: %s%n", report.blobsChecked(),
                    Bytes.human(report.bytesChecked()), report.durationMillis() / 1000.0,
                    report.clean() ? "all intact" : report.corrupt().size() + " corrupt");
            out().flush();
        }
        return report.clean() ? OK : PROBLEMS;
    }
}
