package dev.wharf.cli;

import dev.wharf.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The top command: with no subcommand it serves, as {@code serve} would. */
@Command(name = "wharf", mixinStandardHelpOptions = true, versionProvider = WharfCommand.VersionProvider.class,
        description = "A private OCI / Docker container registry.",
        subcommands = {ServeCommand.class, GcCommand.class, VerifyCommand.class, DuCommand.class})
public final class WharfCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
        ServeCommand serve = new ServeCommand();
        serve.configOption = configOption;
        return serve.call();
    }

    /**
     * Whether the command line that just ran started the server, which keeps the JVM alive after main
     * returns; every other command (gc, verify, du, help) is done and the JVM may exit.
     */
    public static boolean startedServer(CommandLine commandLine) {
        CommandLine.ParseResult parsed = commandLine.getParseResult();
        if (parsed == null || parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested()) {
            return false;
        }
        if (!parsed.hasSubcommand()) {
            return true;
        }
        CommandLine.ParseResult sub = parsed.subcommand();
        return sub.commandSpec().userObject() instanceof ServeCommand && !sub.isUsageHelpRequested()
                && !sub.isVersionHelpRequested();
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"wharf " + Version.current()};
        }
    }
}
