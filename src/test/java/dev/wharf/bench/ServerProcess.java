package dev.wharf.bench;

import dev.wharf.testing.Processes;
import dev.wharf.testing.TempDirs;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A registry server running as a child process on a loopback port, over a work folder that is removed when
 * the process is stopped. Its peak resident set size is read from {@code /proc/<pid>/status} (VmHWM), its CPU
 * time from {@code /proc/<pid>/stat}: both are the started process's own, so a launcher script must {@code exec}.
 */
final class ServerProcess implements AutoCloseable {
    private final String label;
    private final Process process;
    private final int port;
    private final Path workDir;
    private final Path log;

    private ServerProcess(String label, Process process, int port, Path workDir, Path log) {
        this.label = label;
        this.process = process;
        this.port = port;
        this.workDir = workDir;
        this.log = log;
    }

    /** Starts {@code command} and waits until {@code GET /v2/} answers 200; stops it again if that never happens. */
    static ServerProcess start(String label, List<String> command, Map<String, String> env, int port, Path workDir, Path log)
            throws IOException {
        return start(label, command, env, port, workDir, log, null);
    }

    /**
     * The same, for a server that speaks HTTPS with a certificate that {@code tls} trusts (plain HTTP when null). A
     * null value in {@code env} removes that variable from the inherited environment.
     */
    static ServerProcess start(String label, List<String> command, Map<String, String> env, int port, Path workDir, Path log,
                               SSLContext tls) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // A null value removes the variable from the inherited environment.
        env.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        ServerProcess server = new ServerProcess(label, builder.start(), port, workDir, log);
        try {
            server.awaitReady(Duration.ofSeconds(60), tls);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    String label() {
        return label;
    }

    int port() {
        return port;
    }

    Path workDir() {
        return workDir;
    }

    /** The program the process runs now (after any {@code exec}), as {@code /proc/<pid>/exe} names it. */
    String executable() {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "exe")).toString();
        } catch (IOException e) {
            return "an unknown program (" + e + ")";
        }
    }

    /**
     * User plus system CPU time of the process and all its threads, past and present, so far. The JDK reads
     * utime and stime from {@code /proc/<pid>/stat}, in clock ticks (10 ms here), exactly as a hand-written
     * reader would; a timed pass of a second or more is measured to 1% or better.
     */
    Duration cpuTime() {
        return process.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException(label + " is gone"));
    }

    /** The highest resident set size since start, or since the last {@link #resetPeakRss()}, in KiB. */
    long peakRssKiB() {
        return statusKiB("VmHWM:");
    }

    /** The resident set size now, in KiB. */
    long rssKiB() {
        return statusKiB("VmRSS:");
    }

    private long statusKiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            throw new IllegalStateException("no " + field + " in /proc/" + process.pid() + "/status");
        } catch (IOException e) {
            throw new UncheckedIOException(label + " is gone", e);
        }
    }

    /** Restarts peak tracking from the current RSS (Linux: writing 5 to clear_refs resets VmHWM). */
    void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc", Long.toString(process.pid()), "clear_refs"), "5");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset the peak RSS of " + label, e);
        }
    }

    private void awaitReady(Duration timeout, SSLContext tls) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI base = URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + port + "/v2/");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(label + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) base.toURL().openConnection();
                if (connection instanceof HttpsURLConnection https) {
                    https.setSSLSocketFactory(tls.getSocketFactory());
                }
                connection.setConnectTimeout(500);
                connection.setReadTimeout(2000);
                if (connection.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            sleep(100);
        }
        throw new IOException(label + " did not answer GET /v2/ within " + timeout + "; see " + log);
    }

    /**
     * Stops the process (SIGTERM, then SIGKILL after 30 s) and removes its work folder. Children go first: a
     * launcher that did not {@code exec} would otherwise leave its server running.
     */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        Processes.terminate(process, Duration.ofSeconds(30));
        TempDirs.delete(workDir);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
