package dev.wharf;

import dev.wharf.cli.WharfCommand;
import picocli.CommandLine;

/** {@code java -jar wharf.jar [serve|gc|verify|du] ...}: see {@link WharfCommand}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new WharfCommand());
        // A bad setting or argument deserves one clear line, not a stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("wharf: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        int code = cli.execute(args);
        if (code != 0 || !WharfCommand.startedServer(cli)) {
            System.exit(code);
        }
    }
}
