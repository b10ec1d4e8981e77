package dev.wharf.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One kept-open HTTP/1.1 connection driven by hand, for tests about the connection itself rather than one
 * exchange: send a request head in pieces, several requests one after another, or nothing at all, and see when
 * the server hangs up.
 */
public final class RawConnection implements AutoCloseable {
    /** A response read off the connection: its status, its headers as text, and its body. */
    public record Response(int status, String head, byte[] body) {
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to the registry on 127.0.0.1. */
    public static RawConnection open(TestRegistry registry) throws IOException {
        return open(registry.port(), 0);
    }

    /** Connects to {@code port} on 127.0.0.1, with a receive buffer of {@code receiveBuffer} bytes unless 0. */
    public static RawConnection open(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            return new RawConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Writes {@code text} (ISO-8859-1) as it is. */
    public RawConnection send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawConnection send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** A whole body-less keep-alive request for {@code path}. */
    public RawConnection get(String path) throws IOException {
        return send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }

    /** Reads one response with a Content-Length body (what the registry sends), within the socket timeout. */
    public Response readResponse() throws IOException {
        String head = readHead();
        Response headOnly = new Response(Integer.parseInt(head.substring(9, 12)), head, new byte[0]);
        String length = headOnly.header("Content-Length");
        byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length));
        return new Response(headOnly.status(), head, body);
    }

    /** Reads a response head (up to the blank line); the body is left for {@link #input()}. */
    public String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection before a whole response head: "
                        + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    public InputStream input() {
        return in;
    }

    /**
     * Waits until the server closes the connection (end of stream, or a reset), at most {@code bound}; returns how
     * long that took. Bytes the server sends meanwhile are read and dropped. Fails when the connection is still
     * open after {@code bound}.
     */
    public Duration awaitClosedBy(Duration bound) throws IOException {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        int soTimeout = socket.getSoTimeout();
        try {
            socket.setSoTimeout(50);
            byte[] sink = new byte[8192];
            while (true) {
                try {
                    if (in.read(sink) < 0) {
                        break;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("the server still holds the connection after " + bound.toMillis() + " ms");
                    }
                } catch (IOException reset) {
                    break;
                }
            }
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(soTimeout);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Whether the server has closed the connection, judged by a read that waits at most {@code wait}. */
    public boolean closedWithin(Duration wait) throws IOException {
        int soTimeout = socket.getSoTimeout();
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        } finally {
            socket.setSoTimeout(soTimeout);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket the server already reset
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "connection from port %d", socket.getLocalPort());
    }
}
