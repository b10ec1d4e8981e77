package dev.wharf.api;

import dev.wharf.testing.RawHttp;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thousand connections that each sent part of a request head and then nothing do not keep a normal client
 * from being served promptly, and are all closed once the header timeout has passed.
 */
class HalfOpenConnectionFloodTest {
    private static final int HALF_OPEN = 1000;
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    private static TestRegistry registry;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start(c -> c.withHttp(c.http().withConnectionLimits(HEADER_TIMEOUT.toSeconds() + "s", "30s", "30s", 0)));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void aThousandHalfOpenConnectionsNeitherStarveAClientNorOutliveTheHeaderTimeout() throws IOException {
        List<SocketChannel> sockets = new ArrayList<>(HALF_OPEN);
        try (Selector selector = Selector.open()) {
            long opening = System.nanoTime();
            for (int i = 0; i < HALF_OPEN; i++) {
                SocketChannel socket = SocketChannel.open(new InetSocketAddress("127.0.0.1", registry.port()));
                sockets.add(socket);
                socket.write(ByteBuffer.wrap(("GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Half: " + i + "\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1)));
                socket.configureBlocking(false);
                socket.register(selector, SelectionKey.OP_READ, socket);
            }
            Duration opened = Duration.ofNanos(System.nanoTime() - opening);
            assertEquals(0, selector.selectNow(), "connections closed before the normal client asked, after " + opened);

            long asking = System.nanoTime();
            RawHttp.Response answer = RawHttp.exchange(registry, "GET", "/v2/");
            Duration served = Duration.ofNanos(System.nanoTime() - asking);
            assertEquals(200, answer.status());
            assertTrue(served.toMillis() < 2_000, "the normal client waited " + served.toMillis() + " ms");

            // Each closes HEADER_TIMEOUT after its accept; the bound leaves a loaded machine plenty of room.
            int closed = awaitClosed(selector, opening + HEADER_TIMEOUT.toNanos() + Duration.ofSeconds(20).toNanos());
            assertEquals(HALF_OPEN, closed, "half-open connections closed by the server");
        } finally {
            for (SocketChannel socket : sockets) {
                socket.close();
            }
        }
    }

    /** Counts the registered sockets the server closes, until all are or the deadline (nanoTime) passes. */
    private static int awaitClosed(Selector selector, long deadline) throws IOException {
        int closed = 0;
        ByteBuffer sink = ByteBuffer.allocate(1024);
        while (closed < HALF_OPEN) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            selector.select(left);
            for (SelectionKey key : selector.selectedKeys()) {
                SocketChannel socket = (SocketChannel) key.attachment();
                int read;
                try {
                    sink.clear();
                    read = socket.read(sink);
                } catch (IOException reset) {
                    read = -1;
                }
                if (read < 0) {
                    key.cancel();
                    closed++;
                }
            }
            selector.selectedKeys().clear();
        }
        return closed;
    }
}
