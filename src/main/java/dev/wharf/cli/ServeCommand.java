package dev.wharf.cli;

import dev.wharf.WharfServer;
import dev.wharf.config.WharfConfig;
import dev.wharf.storage.fs.LayoutVersion;
import dev.wharf.storage.fs.StorageLockedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code wharf serve}: runs the registry until it is stopped (SIGTERM or Ctrl-C stop it gracefully). */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the registry (the default command).")
public final class ServeCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
        WharfConfig config = configOption.load();
        WharfServer server;
        try {
            server = new WharfServer(config);
        } catch (StorageLockedException | LayoutVersion.IncompatibleLayoutException e) {
            System.err.println("wharf serve: " + e.getMessage());
            return 2;
        }
        try {
            server.start().await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("wharf: cannot start on " + config.http().host() + ":" + config.http().port() + ": " + e.getMessage());
            server.stop();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "wharf-shutdown"));
        return 0;
    }
}
