package dev.wharf.tls;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.SelfSignedCertificate;
import dev.wharf.testing.TestRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The connection limits over HTTPS: HTTP/2 and TLS HTTP/1.1 connections count against http.maxConnections, and a
 * stalled HTTP/2 request body resets its own stream, not the connection its neighbours share.
 */
class ConnectionLimitsOverTlsTest {
    private static final int MAX = 2;
    @TempDir
    static Path dir;
    static SelfSignedCertificate cert;
    static TestRegistry registry;
    static Vertx vertx;
    static Context context;
    static HttpClient http2;

    /** A response over the HTTP/2 client. */
    record Answer(HttpVersion version, int status, String location, String range) {
    }

    @BeforeAll
    static void start() {
        cert = SelfSignedCertificate.create(dir);
        registry = TestRegistry.start(c -> c.withTls(new WharfConfig.Tls(cert.cert().toString(), cert.key().toString()))
                .withHttp(c.http().withConnectionLimits("30s", "30s", "1s", MAX)));
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        http2 = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setUseAlpn(true)
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setTrustOptions(new PemTrustOptions().addCertPath(cert.cert().toString())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** Sends over the one HTTP/2 connection: {@code body} writes what it likes and returns the response. */
    static Answer send(HttpMethod method, String path, Function<HttpClientRequest, Future<HttpClientResponse>> body)
            throws Exception {
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(registry.port()).setURI(path);
        Promise<Answer> answered = Promise.promise();
        context.runOnContext(v -> http2.request(options).compose(body).compose(response -> response.body()
                .map(b -> new Answer(response.version(), response.statusCode(), response.getHeader("Location"),
                        response.getHeader("Range")))).onComplete(answered));
        return answered.future().await(20, TimeUnit.SECONDS);
    }

    static Answer get(String path) throws Exception {
        return send(HttpMethod.GET, path, HttpClientRequest::send);
    }

    static SSLSocket tlsSocket() throws IOException {
        SSLSocket socket = (SSLSocket) cert.trustingContext().getSocketFactory().createSocket("127.0.0.1", registry.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** One keep-alive GET /v2/ over HTTP/1.1 on {@code socket}; the status, or -1 when the server hung up. */
    static int http11Status(SSLSocket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = new byte[12];
            int n = in.readNBytes(head, 0, head.length);
            if (n < head.length) {
                return -1;
            }
            String text = new String(head, StandardCharsets.ISO_8859_1);
            // the /v2/ answer is small: take what is there, so the connection is ready for the next request
            socket.setSoTimeout(500);
            try {
                in.readNBytes(new byte[4096], 0, 4096);
            } catch (SocketTimeoutException drained) {
                // nothing more to read
            } finally {
                socket.setSoTimeout(10_000);
            }
            return Integer.parseInt(text.substring(9, 12));
        } catch (IOException hungUp) {
            return -1;
        }
    }

    @Test
    void http2AndTlsConnectionsCountAgainstTheCap() throws Exception {
        assertEquals(HttpVersion.HTTP_2, get("/v2/").version());
        try (SSLSocket second = tlsSocket()) {
            assertEquals(200, http11Status(second), "the second connection, HTTP/1.1 over TLS, is within the cap");
            try (SSLSocket third = tlsSocket()) {
                assertEquals(-1, http11Status(third), "a third connection is one too many");
            }
            assertEquals(200, get("/v2/").status(), "the HTTP/2 connection is still served");
            assertEquals(200, http11Status(second), "and so is the TLS one");
        }
    }

    @Test
    void aStalledHttp2BodyResetsItsStreamAndTheUploadKeepsTheBytesBeforeIt() throws Exception {
        byte[] content = Blobs.content(4000, 31);
        String location = send(HttpMethod.POST, "/v2/tls/stalled/blobs/uploads/", HttpClientRequest::send).location();
        Answer first = send(HttpMethod.PATCH, location, request -> request.putHeader("Content-Type", "application/octet-stream")
                .putHeader("Content-Range", "0-999").send(Buffer.buffer(Arrays.copyOfRange(content, 0, 1000))));
        assertEquals(202, first.status());

        assertThrows(StreamResetException.class, () -> send(HttpMethod.PATCH, location, request -> {
            // the reset is what this test expects; the response future reports it
            request.exceptionHandler(expected -> { });
            request.putHeader("Content-Type", "application/octet-stream").putHeader("Content-Range", "1000-3999")
                    .putHeader("Content-Length", "3000");
            request.write(Buffer.buffer(Arrays.copyOfRange(content, 1000, 1500)));
            return request.response();
        }));

        Answer after = get(location);
        assertEquals(HttpVersion.HTTP_2, after.version());
        assertEquals(204, after.status());
        assertEquals("0-999", after.range(), "the upload's Range after the cut");
    }
}
