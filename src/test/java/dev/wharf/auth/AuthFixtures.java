package dev.wharf.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.wharf.config.ConfigLoader;
import dev.wharf.config.WharfConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Builds the auth set-ups of the tests: htpasswd files as {@code htpasswd -B} writes them, and auth sections from YAML. */
public final class AuthFixtures {
    private AuthFixtures() {
    }

    /** A {@code $2y$} bcrypt hash; cost 4 keeps tests fast, the format is what {@code htpasswd -B} writes. */
    public static String bcrypt(String password) {
        return BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, password.toCharArray());
    }

    /** Writes an htpasswd file with one bcrypt line per user (user name to password). */
    public static Path htpasswd(Path dir, Map<String, String> passwords) {
        StringBuilder lines = new StringBuilder("# written by the test\n");
        passwords.forEach((user, password) -> lines.append(user).append(':').append(bcrypt(password)).append('\n'));
        try {
            Path file = Files.createTempFile(dir, "htpasswd", "");
            Files.writeString(file, lines);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The configuration the loader makes of {@code yaml} (a config file) over the built-in defaults. */
    public static WharfConfig.Auth auth(Path dir, String yaml) {
        return config(dir, yaml).auth();
    }

    public static WharfConfig config(Path dir, String yaml) {
        try {
            Path file = Files.createTempFile(dir, "wharf", ".yaml");
            Files.writeString(file, yaml);
            return ConfigLoader.load(file, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
