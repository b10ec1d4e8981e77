package dev.wharf;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.TestRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections are spread over every event loop, not all kept on one. The proof holds each loop in turn (a task
 * that waits on a latch) and opens fresh connections: when connections are spread, some are answered (their
 * loop is free) and some are not (theirs is the held one), whichever loop is held. With one server instance,
 * holding its loop would leave every connection unanswered, and holding any other loop none.
 */
class ServesOnEveryEventLoopTest {
    private static final int LOOPS = 3;
    private static final int CONNECTIONS = 3 * LOOPS;

    private TestRegistry registry;

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void connectionsLandOnEveryEventLoop() throws Exception {
        registry = TestRegistry.start(c -> c.withHttp(new WharfConfig.Http("127.0.0.1", 0, LOOPS, "5s")));
        List<EventExecutor> loops = new ArrayList<>();
        ((VertxInternal) registry.server().vertx()).nettyEventLoopGroup().forEach(loops::add);
        assertEquals(LOOPS, loops.size());
        for (int i = 0; i < LOOPS; i++) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch held = new CountDownLatch(1);
            loops.get(i).execute(() -> {
                held.countDown();
                awaitQuietly(release);
            });
            assertTrue(held.await(5, TimeUnit.SECONDS));
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int c = 0; c < CONNECTIONS; c++) {
                    sockets.add(requestBase());
                }
                int answered = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                for (Socket socket : sockets) {
                    if (answered(socket, deadline)) {
                        answered++;
                    }
                }
                assertTrue(answered > 0, "holding event loop " + i + " stopped every connection: all live on it");
                assertTrue(answered < CONNECTIONS, "holding event loop " + i + " stopped none: it serves no connection");
            } finally {
                release.countDown();
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    private Socket requestBase() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", registry.port()), 5000);
        socket.getOutputStream().write("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** Whether the status line arrives by the deadline (a second: an answer takes milliseconds on a free loop). */
    private static boolean answered(Socket socket, long deadline) throws IOException {
        socket.setSoTimeout((int) Math.max(50, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        InputStream in = socket.getInputStream();
        byte[] head = new byte[12];
        try {
            int n = in.readNBytes(head, 0, head.length);
            return n == head.length && new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
