package dev.wharf.testing;

import java.util.function.BooleanSupplier;

/**
 * Waits for something the server does after it has answered (rolling back a torn upload, a timer):
 * polls the condition until it holds, failing after a generous bound rather than guessing a sleep.
 */
public final class Poll {
    private static final long BOUND_MILLIS = 10_000;

    private Poll() {
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, java.time.Duration.ofMillis(BOUND_MILLIS), condition);
    }

    /** As {@link #until(String, BooleanSupplier)}, for what takes longer than the usual bound (a daemon's start). */
    public static void until(String what, java.time.Duration bound, BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not true after " + bound.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }
}
