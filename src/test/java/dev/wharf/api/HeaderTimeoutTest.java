package dev.wharf.api;

import dev.wharf.testing.RawConnection;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A connection whose request head is not complete within http.headerTimeout is closed, however its bytes trickle. */
class HeaderTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Far above the timeout plus the guard's tick: a loaded machine may be slow, but not this slow. */
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static TestRegistry registry;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start(c -> c.withHttp(c.http().withConnectionLimits("1s", "30s", "30s", 0)));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static void assertNotBeforeTheTimeout(Duration took) {
        // The server's clock starts at accept, before the client's: it cannot close earlier than this.
        assertTrue(took.toMillis() >= TIMEOUT.toMillis() - 100, "closed after only " + took.toMillis() + " ms");
    }

    @Test
    void aHalfSentRequestHeadIsClosedAfterTheHeaderTimeout() throws IOException {
        try (RawConnection connection = RawConnection.open(registry)) {
            connection.send("GET /v2/ HTTP/1.1\r\nHost: x\r\n");
            assertNotBeforeTheTimeout(connection.awaitClosedBy(BOUND));
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheHeaderTimeout() throws IOException {
        try (RawConnection connection = RawConnection.open(registry)) {
            assertNotBeforeTheTimeout(connection.awaitClosedBy(BOUND));
        }
    }

    @Test
    void aRequestHeadTrickledAByteAtATimeIsClosedAfterTheHeaderTimeout() throws IOException {
        // A byte every 250 ms: never idle for a quarter of the timeout, so an idle timeout would not catch it.
        try (RawConnection connection = RawConnection.open(registry)) {
            connection.send("GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Slow: ");
            long start = System.nanoTime();
            long deadline = start + BOUND.toNanos();
            boolean closed = false;
            while (!closed && System.nanoTime() < deadline) {
                try {
                    connection.send("a");
                    closed = connection.closedWithin(Duration.ofMillis(250));
                } catch (IOException reset) {
                    closed = true;
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(closed, "the trickling client still holds the connection after " + took.toMillis() + " ms");
            assertNotBeforeTheTimeout(took);
        }
    }
}
