package dev.wharf.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 by hand over a socket, for what an HTTP client library will not do: send a path exactly as
 * written (no dot-segment clean-up), or send part of a body and hang up.
 */
public final class RawHttp {
    /** The status code and the whole response (head and body) as text. */
    public record Response(int status, String text) {
    }

    private RawHttp() {
    }

    /** Sends a body-less request for {@code rawPath} verbatim and reads the whole answer. */
    public static Response exchange(TestRegistry registry, String method, String rawPath) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", registry.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String text = new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
            return new Response(Integer.parseInt(text.substring(9, 12)), text);
        }
    }

    /**
     * Sends a request head ({@code method path}, then {@code headers}, each "Name: value") and {@code body},
     * then closes the socket without waiting for an answer: a client that lied about its length or died.
     */
    public static void sendAndHangUp(TestRegistry registry, String requestLine, byte[] body, String... headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", registry.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(head(requestLine, headers));
            out.write(body);
            out.flush();
        }
    }

    /** Sends a request head and a chunked body of {@code chunks} pieces, then closes without the last chunk. */
    public static void sendChunkedAndHangUp(TestRegistry registry, String requestLine, byte[] piece, int chunks) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", registry.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(head(requestLine, "Transfer-Encoding: chunked", "Content-Type: application/octet-stream"));
            byte[] size = (Integer.toHexString(piece.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < chunks; i++) {
                out.write(size);
                out.write(piece);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
        }
    }

    private static byte[] head(String requestLine, String... headers) {
        StringBuilder head = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
    }
}
