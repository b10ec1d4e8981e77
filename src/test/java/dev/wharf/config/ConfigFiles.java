package dev.wharf.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The config tests' one step: a wharf.yaml written into a test's folder, loaded with the given environment. */
final class ConfigFiles {
    private ConfigFiles() {
    }

    static WharfConfig load(Path dir, String yaml, Map<String, String> env) throws IOException {
        Path f = dir.resolve("wharf.yaml");
        Files.writeString(f, yaml);
        return ConfigLoader.load(f, env);
    }
}
