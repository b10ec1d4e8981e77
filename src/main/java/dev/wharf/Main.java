package dev.wharf;

import dev.wharf.cli.WharfCommand;
import picocli.CommandLine;

/** {@code java -jar wharf.jar [serve|gc|verify|du] ...}: see {@link WharfCommand}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = new CommandLine(new WharfCommand()).execute(args);
        if (code != 0 || !WharfCommand.keepsRunning(args)) {
            System.exit(code);
        }
    }
}
