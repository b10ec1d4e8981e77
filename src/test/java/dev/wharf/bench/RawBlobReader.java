package dev.wharf.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * Blob pulls over plain blocking sockets, one keep-alive connection per thread, read into one reused direct
 * buffer: the client copies nothing into the Java heap, so a pull figure measures the server rather than
 * the client (a Vert.x client copies every chunk into a fresh heap buffer, and on two shared cores that copy
 * was the ceiling for both registries). Plain HTTP/1.1 with a {@code Content-Length}, which every server sends.
 * Over TLS the JDK's {@link SSLSocket} decrypts into one reused heap buffer instead (it reads into arrays only).
 */
final class RawBlobReader {
    private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<ByteBuffer> DIRECT_BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1 << 20));
    private static final ThreadLocal<ByteBuffer> HEAP_BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocate(1 << 20));

    private final int port;
    /** HTTPS when not null: a context that trusts the server's certificate. */
    private final SSLContext tls;
    private final ThreadLocal<ByteChannel> connections = new ThreadLocal<>();

    RawBlobReader(int port, SSLContext tls) {
        this.port = port;
        this.tls = tls;
    }

    /** GETs {@code path}; returns the body's length, and feeds the body to {@code sha} when it is not null. */
    long get(String path, MessageDigest sha) throws IOException {
        try {
            return exchange(connection(), path, sha);
        } catch (IOException staleKeepAlive) {
            // the server may have closed an idle connection: one retry on a fresh one
            close();
            return exchange(connection(), path, sha);
        }
    }

    private long exchange(ByteChannel channel, String path, MessageDigest sha) throws IOException {
        ByteBuffer request = ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        while (request.hasRemaining()) {
            channel.write(request);
        }
        ByteBuffer buffer = (tls == null ? DIRECT_BUFFERS : HEAP_BUFFERS).get();
        buffer.clear();
        int headerEnd;
        while ((headerEnd = indexOf(buffer, HEADER_END)) < 0) {
            if (!buffer.hasRemaining() || channel.read(buffer) < 0) {
                throw new EOFException("no complete response head from port " + port);
            }
        }
        String head = ascii(buffer, headerEnd);
        int status = Integer.parseInt(head.substring(9, 12));
        long length = contentLength(head);
        if (status != 200 || length < 0) {
            close();
            throw new IllegalStateException("blob GET " + path + ": status " + status + ", content length " + length);
        }
        buffer.flip().position(headerEnd + HEADER_END.length);
        long received = buffer.remaining();
        if (sha != null) {
            sha.update(buffer);
        }
        while (received < length) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), length - received));
            int n = channel.read(buffer);
            if (n < 0) {
                close();
                throw new EOFException("blob GET " + path + " ended after " + received + " of " + length + " bytes");
            }
            received += n;
            if (sha != null) {
                buffer.flip();
                sha.update(buffer);
            }
        }
        return received;
    }

    private ByteChannel connection() throws IOException {
        ByteChannel channel = connections.get();
        if (channel == null || !channel.isOpen()) {
            channel = tls == null ? plainConnection() : new TlsChannel(tlsConnection());
            connections.set(channel);
        }
        return channel;
    }

    private SocketChannel plainConnection() throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        channel.socket().setTcpNoDelay(true);
        return channel;
    }

    /** HTTP/1.1 over TLS (no ALPN), checking that the certificate names 127.0.0.1 as a browser would. */
    private SSLSocket tlsConnection() throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private void close() {
        ByteChannel channel = connections.get();
        connections.remove();
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // going away anyway
            }
        }
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                return Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        return -1;
    }

    /** Where {@code pattern} starts among the bytes read so far (position 0 to the buffer's position), or -1. */
    private static int indexOf(ByteBuffer buffer, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= buffer.position(); i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (buffer.get(i + j) != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String ascii(ByteBuffer buffer, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = buffer.get(i);
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** An {@link SSLSocket} as a channel over heap buffers, so one read loop serves both kinds of connection. */
    private static final class TlsChannel implements ByteChannel {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;

        TlsChannel(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            out.write(src.array(), src.arrayOffset() + src.position(), n);
            out.flush();
            src.position(src.limit());
            return n;
        }

        @Override
        public boolean isOpen() {
            return !socket.isClosed();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
