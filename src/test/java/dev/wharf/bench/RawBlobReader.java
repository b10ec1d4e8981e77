package dev.wharf.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * Blob pulls over plain blocking sockets, one keep-alive connection per thread, read into one reused direct
 * buffer: the client copies nothing into the Java heap, so a pull figure measures the server rather than
 * the client (a Vert.x client copies every chunk into a fresh heap buffer, and on two shared cores that copy
 * was the ceiling for both registries). Plain HTTP/1.1 with a {@code Content-Length}, which both servers send.
 */
final class RawBlobReader {
    private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1 << 20));

    private final int port;
    private final ThreadLocal<SocketChannel> connections = new ThreadLocal<>();

    RawBlobReader(int port) {
        this.port = port;
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

    private long exchange(SocketChannel channel, String path, MessageDigest sha) throws IOException {
        ByteBuffer request = ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        while (request.hasRemaining()) {
            channel.write(request);
        }
        ByteBuffer buffer = BUFFERS.get();
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

    private SocketChannel connection() throws IOException {
        SocketChannel channel = connections.get();
        if (channel == null || !channel.isOpen()) {
            channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.socket().setTcpNoDelay(true);
            connections.set(channel);
        }
        return channel;
    }

    private void close() {
        SocketChannel channel = connections.get();
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
}
