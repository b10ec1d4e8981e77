package dev.wharf.auth;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginThrottleTest {
    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(5), clock);

    @Test
    void aClientIsBlockedAfterTheLimitOfFailuresAndOnlyThatClient() {
        for (int i = 0; i < 2; i++) {
            throttle.failed("10.0.0.1");
        }
        assertFalse(throttle.blocked("10.0.0.1"));
        throttle.failed("10.0.0.1");
        assertTrue(throttle.blocked("10.0.0.1"));
        assertFalse(throttle.blocked("10.0.0.2"));
    }

    @Test
    void theBlockEndsWhenTheWindowHasPassed() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("10.0.0.1");
        }
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        assertFalse(throttle.blocked("10.0.0.1"));
        throttle.failed("10.0.0.1");
        assertFalse(throttle.blocked("10.0.0.1"), "a failure after the window starts a new count");
    }

    @Test
    void aSuccessfulLoginClearsTheCount() {
        throttle.failed("10.0.0.1");
        throttle.failed("10.0.0.1");
        throttle.succeeded("10.0.0.1");
        throttle.failed("10.0.0.1");
        assertFalse(throttle.blocked("10.0.0.1"));
    }
}
