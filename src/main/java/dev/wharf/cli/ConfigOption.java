package dev.wharf.cli;

import dev.wharf.config.ConfigLoader;
import dev.wharf.config.WharfConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --config} option every command shares. */
public final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (default: ./config/wharf.yaml if present, else built-in defaults). "
                    + "WHARF_* environment variables override it.")
    Path file;

    public WharfConfig load() {
        return ConfigLoader.load(file, System.getenv());
    }
}
