package dev.wharf.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stopping the servers and daemons that tests and tools start as child processes. */
public final class Processes {
    private Processes() {
    }

    /** Asks the process to stop (SIGTERM), and kills it (SIGKILL) when it has not within {@code grace}. */
    public static void terminate(Process process, Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
