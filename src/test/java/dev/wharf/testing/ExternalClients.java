package dev.wharf.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Outside programs (skopeo, podman, openssl) that tests drive. A missing one skips the test with a clear
 * message, unless the system property {@code wharf.requireClients} is {@code true} (CI sets it): then
 * the test fails, so that a machine without the clients cannot pass by skipping.
 */
public final class ExternalClients {
    public static final String REQUIRE_PROPERTY = "wharf.requireClients";

    /** What a finished command did. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private ExternalClients() {
    }

    /** Skips (or, with clients required, fails) the calling test when {@code program} is not on the PATH. */
    public static void require(String program) {
        if (find(program) != null) {
            return;
        }
        String message = program + " is not installed (on the PATH); this test drives it";
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            Assertions.fail(message + ", and -D" + REQUIRE_PROPERTY + "=true makes that a failure");
        }
        Assumptions.abort(message + "; skipped (set -D" + REQUIRE_PROPERTY + "=true to fail instead)");
    }

    /** Runs a command with stdin closed, stdout and stderr together, and a time limit after which it is killed. */
    public static Result run(long timeoutSeconds, String... command) {
        return runWithInput(timeoutSeconds, null, command);
    }

    /** As {@link #run(long, String...)}, with {@code stdin} fed to the command. */
    public static Result runWithInput(long timeoutSeconds, String stdin, String... command) {
        try {
            Path log = Files.createTempFile("wharf-client-", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(command)))
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                if (stdin == null) {
                    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                }
                Process process = builder.start();
                if (stdin != null) {
                    try (var in = process.getOutputStream()) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    return new Result(-1, "timed out after " + timeoutSeconds + " s: " + Files.readString(log));
                }
                return new Result(process.exitValue(), Files.readString(log));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        }
    }

    private static Path find(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
