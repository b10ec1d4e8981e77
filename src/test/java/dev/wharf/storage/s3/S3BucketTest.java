package dev.wharf.storage.s3;

import dev.wharf.config.WharfConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** How the bucket client copes with a store that answers badly, against a stand-in server on loopback. */
class S3BucketTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /**
     * A stand-in for a store that cuts its first answer short: it announces 100 bytes, sends 10 and keeps the
     * connection open; every later request gets the whole object.
     */
    private static final class CutShortServer implements AutoCloseable {
        static final byte[] OBJECT = "0123456789".repeat(10).getBytes(StandardCharsets.US_ASCII);
        final ServerSocket socket;
        final AtomicInteger requests = new AtomicInteger();
        final List<Socket> held = new ArrayList<>();

        CutShortServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::serve, "cut-short-s3");
            accept.setDaemon(true);
            accept.start();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try {
                    Socket c = socket.accept();
                    synchronized (held) {
                        held.add(c);
                    }
                    Thread t = new Thread(() -> answer(c));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void answer(Socket c) {
            try (c) {
                InputStream in = c.getInputStream();
                OutputStream out = c.getOutputStream();
                while (readHead(in)) {
                    boolean first = requests.incrementAndGet() == 1;
                    String head = "HTTP/1.1 200 OK\r\nContent-Length: " + OBJECT.length + "\r\nETag: \"e1\"\r\n"
                            + "Content-Type: application/octet-stream\r\n\r\n";
                    out.write(head.getBytes(StandardCharsets.US_ASCII));
                    out.write(first ? Arrays.copyOf(OBJECT, 10) : OBJECT);
                    out.flush();
                    if (first) {
                        in.readAllBytes(); // holds the connection, the rest never comes
                        return;
                    }
                }
            } catch (IOException gone) {
                // the client hung up
            }
        }

        /** Reads one request head (the SDK's GET has no body); false at the end of the stream. */
        private static boolean readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                if (head.size() >= 4 && new String(head.toByteArray(), StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                    return true;
                }
            }
            return false;
        }

        String endpoint() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (held) {
                for (Socket c : held) {
                    c.close();
                }
            }
        }
    }

    @Test
    void aSmallReadCutShortIsTriedAgainInsteadOfWaitingForTheReadTimeout() throws Exception {
        CutShortServer server = new CutShortServer();
        open.add(server);
        WharfConfig.S3 s3 = new WharfConfig.S3(server.endpoint(), "us-east-1", "bucket", "", true, "key", "secret", "",
                false, "20m", "1s", "5MiB", "5s");
        S3Bucket bucket = S3Bucket.open(s3, Duration.ofMillis(500));
        open.add(bucket);

        // without the bound on an attempt, the read would wait for the missing 90 bytes for the read timeout (120 s)
        S3Bucket.Fetched fetched = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> bucket.get("state").orElseThrow());

        assertArrayEquals(CutShortServer.OBJECT, fetched.content());
        assertEquals(2, server.requests.get(), "the cut-short attempt, then one whole");
    }
}
