package dev.wharf.notify;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a warning that can repeat at machine speed (an event dropped at a full queue on every push while a
 * receiver is down) to one log line per interval: the first occurrence is written at once, later ones are counted
 * and the next line says how many there were. Lock-free; callable from any thread, and it never waits.
 */
final class LogThrottle {
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong nextLine = new AtomicLong(System.nanoTime());

    /** Counts one occurrence; the occurrences a line written now should report, or 0 when no line is due. */
    long occurred() {
        unreported.incrementAndGet();
        long now = System.nanoTime();
        long due = nextLine.get();
        if (now - due >= 0 && nextLine.compareAndSet(due, now + INTERVAL_NANOS)) {
            return Math.max(1, unreported.getAndSet(0));
        }
        return 0;
    }
}
