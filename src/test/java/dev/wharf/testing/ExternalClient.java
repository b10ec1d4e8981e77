package dev.wharf.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An outside program (skopeo, podman, ...) that a test drives: each run is bounded by a timeout and its
 * output is kept, so a failing client shows the test exactly what it said.
 *
 * <p>Immutable: the {@code with...} methods return a copy, so one required client can be aimed at several
 * sandboxes.
 */
public final class ExternalClient {
    /** The system property by which CI turns a missing client from a skipped test into a failed one. */
    public static final String REQUIRE_PROPERTY = "wharf.requireClients";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    private final Path executable;
    private final List<String> launcher;
    private final List<String> leadingArgs;
    private final Map<String, String> environment;
    private final Path directory;
    private final Duration timeout;

    private ExternalClient(Path executable, List<String> launcher, List<String> leadingArgs,
                           Map<String, String> environment, Path directory, Duration timeout) {
        this.executable = executable;
        this.launcher = List.copyOf(launcher);
        this.leadingArgs = List.copyOf(leadingArgs);
        this.environment = Map.copyOf(environment);
        this.directory = directory;
        this.timeout = timeout;
    }

    /**
     * The client named {@code binary} from the PATH. When it is missing the calling test is skipped, or fails
     * when {@value #REQUIRE_PROPERTY} is {@code true}, with the Debian package to install.
     */
    public static ExternalClient require(String binary) {
        return require(binary, binary);
    }

    public static ExternalClient require(String binary, String debianPackage) {
        Path found = findOnPath(binary);
        if (found == null) {
            String message = binary + " not installed: apt-get install " + debianPackage;
            if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
                Assertions.fail(message + " (" + REQUIRE_PROPERTY + "=true makes a missing client a failure)");
            }
            Assumptions.abort(message);
        }
        return new ExternalClient(found, List.of(), List.of(), Map.of(), null, DEFAULT_TIMEOUT);
    }

    /**
     * The program at {@code executable} (a measuring instrument beside the project, not on the PATH). When it is
     * missing the calling test is skipped, or fails when {@value #REQUIRE_PROPERTY} is {@code true}, saying
     * {@code whereFrom}.
     */
    public static ExternalClient requireAt(Path executable, String whereFrom) {
        Path absolute = executable.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute) || !Files.isExecutable(absolute)) {
            String message = absolute + " not found: " + whereFrom;
            if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
                Assertions.fail(message + " (" + REQUIRE_PROPERTY + "=true makes a missing client a failure)");
            }
            Assumptions.abort(message);
        }
        return new ExternalClient(absolute, List.of(), List.of(), Map.of(), null, DEFAULT_TIMEOUT);
    }

    /** Whether {@code binary} is an executable somewhere on the PATH. */
    public static boolean installed(String binary) {
        return findOnPath(binary) != null;
    }

    private static Path findOnPath(String binary) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, binary);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Runs the client through {@code command} (for example a namespace wrapper), which execs the client last. */
    public ExternalClient withLauncher(List<String> command) {
        return new ExternalClient(executable, command, leadingArgs, environment, directory, timeout);
    }

    /** Adds variables to the environment the client inherits from the test JVM. */
    public ExternalClient withEnvironment(Map<String, String> variables) {
        Map<String, String> merged = new HashMap<>(environment);
        merged.putAll(variables);
        return new ExternalClient(executable, launcher, leadingArgs, merged, directory, timeout);
    }

    /** Arguments given before those of every run, such as global options. */
    public ExternalClient withArguments(String... leading) {
        List<String> all = new ArrayList<>(leadingArgs);
        all.addAll(Arrays.asList(leading));
        return new ExternalClient(executable, launcher, all, environment, directory, timeout);
    }

    public ExternalClient inDirectory(Path workingDirectory) {
        return new ExternalClient(executable, launcher, leadingArgs, environment, workingDirectory, timeout);
    }

    public ExternalClient withTimeout(Duration limit) {
        return new ExternalClient(executable, launcher, leadingArgs, environment, directory, limit);
    }

    /** Where the client's program is (for tests that start it as a long-running server). */
    public Path executable() {
        return executable;
    }

    public String name() {
        return executable.getFileName().toString();
    }

    /** Runs the client and fails the test, with everything it printed, unless it exits 0. */
    public Result run(String... args) {
        Result result = attempt(args);
        if (result.exitCode() != 0) {
            Assertions.fail(result.describe());
        }
        return result;
    }

    /** Runs the client and returns however it ended; a timeout still fails the test. */
    public Result attempt(String... args) {
        return attemptWithInput(null, args);
    }

    /**
     * As {@link #attempt}, with {@code input} as the client's standard input (null: none), for secrets that
     * must not appear on a command line, such as {@code login --password-stdin}.
     */
    public Result attemptWithInput(String input, String... args) {
        List<String> command = new ArrayList<>(launcher);
        command.add(executable.toString());
        command.addAll(leadingArgs);
        command.addAll(Arrays.asList(args));
        String shown = String.join(" ", command.subList(launcher.size(), command.size()));
        Path out = null;
        Path err = null;
        try {
            // Output goes to files rather than pipes: a chatty client can never block on a full pipe buffer.
            out = Files.createTempFile("wharf-client-", ".out");
            err = Files.createTempFile("wharf-client-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            builder.environment().putAll(environment);
            if (input == null) {
                builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            Process process = builder.start();
            if (input != null) {
                try (var stdin = process.getOutputStream()) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                Assertions.fail(report(shown, "did not finish in " + timeout.toSeconds() + " s", read(out), read(err)));
            }
            return new Result(shown, process.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + shown, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + shown, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static String report(String command, String status, String stdout, String stderr) {
        return "`" + command + "` " + status + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }

    /** How one run ended. */
    public record Result(String command, int exitCode, String stdout, String stderr) {
        /** Everything the client printed, stdout then stderr. */
        public String output() {
            return stdout + stderr;
        }

        public String describe() {
            return report(command, "exited " + exitCode, stdout, stderr);
        }
    }
}
