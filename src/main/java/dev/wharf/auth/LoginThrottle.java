package dev.wharf.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@code limit} failed logins from one client address within {@code window},
 * that address's logins are refused without even checking them until the window (counted from the first
 * failure) has passed. A successful login clears the count.
 */
final class LoginThrottle {
    /** Past this many tracked addresses, expired entries are swept so that a scan cannot grow the map forever. */
    private static final int SWEEP_AT = 10_000;

    private record Failures(long since, int count) {
    }

    private final int limit;
    private final long windowMillis;
    private final Clock clock;
    private final Map<String, Failures> byClient = new ConcurrentHashMap<>();

    LoginThrottle(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /** Whether logins from {@code client} are refused for now. */
    boolean blocked(String client) {
        if (limit <= 0) {
            return false;
        }
        Failures f = byClient.get(client);
        return f != null && f.count() >= limit && !expired(f, clock.millis());
    }

    void failed(String client) {
        long now = clock.millis();
        if (byClient.size() > SWEEP_AT) {
            byClient.values().removeIf(f -> expired(f, now));
        }
        byClient.merge(client, new Failures(now, 1),
                (old, one) -> expired(old, now) ? one : new Failures(old.since(), old.count() + 1));
    }

    void succeeded(String client) {
        byClient.remove(client);
    }

    private boolean expired(Failures f, long now) {
        return now - f.since() >= windowMillis;
    }
}
