package dev.wharf.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wharf.config.WharfConfig;
import dev.wharf.storage.Progress;
import dev.wharf.storage.Storage;
import dev.wharf.storage.fs.LayoutVersion;
import dev.wharf.storage.fs.StorageLayout;
import dev.wharf.storage.fs.StorageLock;
import dev.wharf.storage.fs.StorageLockedException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.concurrent.Callable;

/**
 * What the offline commands ({@code gc}, {@code verify}, {@code du}) share: the config, {@code --json},
 * opening the storage root (with its lock when the command changes the store, so it refuses to run beside
 * a server), a progress line on a terminal, and the exit codes.
 */
abstract class StoreCommand implements Callable<Integer> {
    static final int OK = 0;
    /** The command ran and found problems (verify: corrupt blobs). */
    static final int PROBLEMS = 1;
    /** Bad usage, or the storage root is owned by another process. */
    static final int REFUSED = 2;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Mixin
    ConfigOption configOption;

    @Option(names = "--json", description = "Print one JSON document to stdout instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandSpec spec;

    /** Whether this run changes the store, and so must own the root. */
    abstract boolean changesStore();

    /** Does the work over an open store; returns the exit code. */
    abstract int run(WharfConfig config, Storage storage) throws IOException;

    @Override
    public Integer call() throws IOException {
        WharfConfig config = configOption.load();
        StorageLayout layout = new StorageLayout(config.storage().rootPath());
        boolean bucket = config.storage().isS3();
        if (!bucket && !Files.isDirectory(layout.root())) {
            err().println("wharf " + spec.name() + ": no storage at " + layout.root()
                    + " (set storage.root in --config, or WHARF_STORAGE_ROOT)");
            return REFUSED;
        }
        // replicas share a bucket: there garbage collection is kept to one at a time by its lease, not by a lock
        try (StorageLock lock = changesStore() && !bucket ? StorageLock.acquire(layout, spec.name()) : null;
             Storage storage = new Storage(config.storage(), config.uploads().expiryDuration())) {
            return run(config, storage);
        } catch (LayoutVersion.IncompatibleLayoutException e) {
            err().println("wharf " + spec.name() + ": " + e.getMessage());
            return REFUSED;
        } catch (StorageLockedException e) {
            err().println("wharf " + spec.name() + ": " + e.getMessage()
                    + (spec.name().equals("gc") ? "; a running server collects garbage on POST /_wharf/gc" : ""));
            return REFUSED;
        }
    }

    /** A progress line on stderr when a person is watching, else nothing. */
    Progress progress() {
        return System.console() != null ? new TerminalProgress(err()) : Progress.NONE;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    void printJson(Object report) {
        try {
            out().println(JSON.writeValueAsString(report));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out().flush();
    }
}
