package dev.wharf.cli;

import dev.wharf.storage.Progress;

import java.io.PrintWriter;

/** One line on a terminal, rewritten in place at most five times a second: items and bytes done, rate, ETA. */
final class TerminalProgress implements Progress {
    private static final long REFRESH_NANOS = 200_000_000L;

    private final PrintWriter out;
    private String phase;
    private String unit;
    private long items;
    private long bytes;
    private long doneItems;
    private long doneBytes;
    private long started;
    private long lastPrint;

    TerminalProgress(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void begin(String phase, String unit, long items, long bytes) {
        this.phase = phase;
        this.unit = unit;
        this.items = items;
        this.bytes = bytes;
        this.doneItems = 0;
        this.doneBytes = 0;
        this.started = System.nanoTime();
        this.lastPrint = 0;
    }

    @Override
    public void advance(long items, long bytes) {
        doneItems += items;
        doneBytes += bytes;
        long now = System.nanoTime();
        if (now - lastPrint >= REFRESH_NANOS) {
            lastPrint = now;
            print(now);
        }
    }

    @Override
    public void end() {
        print(System.nanoTime());
        out.println();
        out.flush();
    }

    private void print(long now) {
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        StringBuilder line = new StringBuilder("\r").append(phase).append(": ")
                .append(doneItems).append('/').append(items).append(' ').append(unit).append(", ").append(Bytes.human(doneBytes));
        if (bytes > 0) {
            line.append('/').append(Bytes.human(bytes));
        }
        line.append(", ").append(Bytes.human((long) (doneBytes / seconds))).append("/s");
        // the ETA follows bytes when the total is known (hashing), else items (sweeping)
        double fraction = bytes > 0 ? (double) doneBytes / bytes : items > 0 ? (double) doneItems / items : 1;
        if (fraction > 0 && fraction < 1) {
            long eta = (long) (seconds / fraction - seconds);
            line.append(", ETA ").append(eta / 60).append(':').append(String.format("%02d", eta % 60));
        }
        out.print(line.append("    "));
        out.flush();
    }
}
