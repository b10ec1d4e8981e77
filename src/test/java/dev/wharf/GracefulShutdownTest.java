package dev.wharf;

import dev.wharf.testing.Blobs;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Stopping the server lets a request in flight finish, then closes the port. */
class GracefulShutdownTest {

    @Test
    void anUploadInFlightWhenTheServerStopsStillCompletes() throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            int port = registry.port();
            String location = Blobs.startUpload(registry, "shutdown/app");
            byte[] body = Blobs.content(64 * 1024, 7);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout(15_000);
                OutputStream out = socket.getOutputStream();
                out.write(("PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Length: " + body.length
                        + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, body.length / 2);
                out.flush();

                CompletableFuture<Void> stopped = CompletableFuture.runAsync(registry::stopServer);
                // The stop must wait for this request, which is not finished yet.
                Thread.sleep(300);
                assertFalse(stopped.isDone(), "the server stopped with a request in flight");

                out.write(body, body.length / 2, body.length - body.length / 2);
                out.flush();
                String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                assertEquals("HTTP/1.1 202 Accepted", statusLine);
                stopped.get(15, TimeUnit.SECONDS);
            }
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), "the port is still open");
        }
    }
}
