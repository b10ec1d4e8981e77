package dev.wharf.mirror;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one upstream's cache has done: hits, misses, revalidations, stale serves, upstream errors, bytes fetched.
 * Logged as a summary line (see {@link Mirror}); the metrics endpoint reads the same counters.
 */
public final class MirrorStats {
    private final String upstream;
    final AtomicLong hits = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final AtomicLong revalidations = new AtomicLong();
    final AtomicLong staleServes = new AtomicLong();
    final AtomicLong upstreamErrors = new AtomicLong();
    final AtomicLong bytesFetched = new AtomicLong();
    final AtomicLong evictions = new AtomicLong();

    MirrorStats(String upstream) {
        this.upstream = upstream;
    }

    public String upstream() {
        return upstream;
    }

    /** The counters by name, in a fixed order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> all = new LinkedHashMap<>();
        all.put("hits", hits.get());
        all.put("misses", misses.get());
        all.put("revalidations", revalidations.get());
        all.put("staleServes", staleServes.get());
        all.put("upstreamErrors", upstreamErrors.get());
        all.put("bytesFetched", bytesFetched.get());
        all.put("evictions", evictions.get());
        return all;
    }

    @Override
    public String toString() {
        StringBuilder line = new StringBuilder(upstream);
        snapshot().forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        return line.toString();
    }
}
