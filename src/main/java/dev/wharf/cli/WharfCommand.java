package dev.wharf.cli;

import dev.wharf.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The top command: with no subcommand it serves, as {@code serve} would. */
@Command(name = "wharf", mixinStandardHelpOptions = true, versionProvider = WharfCommand.VersionProvider.class,
        description = "A private OCI / Docker container registry.",
        subcommands = {ServeCommand.class})
public final class WharfCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
        ServeCommand serve = new ServeCommand();
        serve.configOption = configOption;
        return serve.call();
    }

    /** Whether these arguments start the server, which keeps the JVM alive after main returns. */
    public static boolean keepsRunning(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a.equals("serve");
            }
            if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
                return false;
            }
        }
        return true;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"wharf " + Version.current()};
        }
    }
}
