package dev.wharf;

import dev.wharf.cli.WharfCommand;
import picocli.CommandLine;

/** {@code java -jar wharf.jar [serve|gc|verify|du] ...}: see {@link WharfCommand}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new WharfCommand());
        int code = commandLine.execute(args);
        if (code != 0 || !WharfCommand.startedServer(commandLine)) {
            System.exit(code);
        }
    }
}
