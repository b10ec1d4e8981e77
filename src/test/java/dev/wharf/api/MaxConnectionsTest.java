package dev.wharf.api;

import dev.wharf.testing.RawConnection;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With http.maxConnections=N, connection N+1 is closed at once, the first N stay served, and a closed one frees its slot. */
class MaxConnectionsTest {
    private static final int MAX = 3;
    private static TestRegistry registry;

    @BeforeAll
    static void start() {
        // Timeouts far longer than the test: only the cap may close a connection here.
        registry = TestRegistry.start(c -> c.withHttp(c.http().withConnectionLimits("60s", "60s", "60s", MAX)));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void theConnectionBeyondTheCapIsClosedAtOnceAndAClosedOneFreesItsSlot() throws IOException {
        List<RawConnection> held = new ArrayList<>();
        try {
            for (int i = 0; i < MAX; i++) {
                RawConnection connection = RawConnection.open(registry);
                held.add(connection);
                assertEquals(200, connection.get("/v2/").readResponse().status(), "connection " + (i + 1));
            }

            try (RawConnection beyond = RawConnection.open(registry)) {
                // At once: well before any timeout (60 s) could have closed it.
                Duration took = beyond.awaitClosedBy(Duration.ofSeconds(10));
                assertTrue(took.toMillis() < 10_000, "took " + took);
            }

            for (RawConnection connection : held) {
                assertEquals(200, connection.get("/v2/").readResponse().status(), "the first " + MAX + " are still served");
            }

            held.remove(0).close();
            RawConnection freed = awaitServedConnection(Duration.ofSeconds(10));
            held.add(freed);
            try (RawConnection beyond = RawConnection.open(registry)) {
                beyond.awaitClosedBy(Duration.ofSeconds(10));
            }
        } finally {
            held.forEach(RawConnection::close);
        }
    }

    /** A new connection that gets an answer, tried until the server has noticed the freed slot. */
    private static RawConnection awaitServedConnection(Duration bound) throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            RawConnection connection = RawConnection.open(registry);
            try {
                assertEquals(200, connection.get("/v2/").readResponse().status());
                return connection;
            } catch (IOException refused) {
                connection.close();
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no slot freed within " + bound.toMillis() + " ms", refused);
                }
            }
        }
    }
}
