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
        long deadline = System.nanoTime() + BOUND_MILLIS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not true after " + BOUND_MILLIS + " ms: " + what);
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
