package dev.wharf.api;

import dev.wharf.testing.RawConnection;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A kept-alive connection with no request in flight is closed after http.keepAliveTimeout; one in use is not. */
class KeepAliveTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static TestRegistry registry;

    @BeforeAll
    static void start() {
        // The header timeout is far longer, so that only the keep-alive timeout can close these connections.
        registry = TestRegistry.start(c -> c.withHttp(c.http().withConnectionLimits("30s", "2s", "30s", 0)));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheKeepAliveTimeout() throws IOException {
        try (RawConnection connection = RawConnection.open(registry)) {
            assertEquals(200, connection.get("/v2/").readResponse().status());
            Duration took = connection.awaitClosedBy(BOUND);
            assertTrue(took.toMillis() >= TIMEOUT.toMillis() - 100, "closed after only " + took.toMillis() + " ms");
        }
    }

    @Test
    void aConnectionInUseStaysOpenLongPastTheKeepAliveTimeout() throws IOException {
        try (RawConnection connection = RawConnection.open(registry)) {
            long start = System.nanoTime();
            int requests = 0;
            // Three times the timeout, with a request every 300 ms: never idle for anything like the timeout.
            while (System.nanoTime() - start < 3 * TIMEOUT.toNanos()) {
                assertEquals(200, connection.get("/v2/").readResponse().status(), "request " + requests);
                requests++;
                sleep(300);
            }
            assertTrue(requests >= 5, "only " + requests + " requests");
            assertEquals(200, connection.get("/v2/").readResponse().status());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
