package dev.wharf.tls;

import dev.wharf.config.ConfigLoader;
import dev.wharf.config.WharfConfig;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.SelfSignedCertificate;
import dev.wharf.testing.TestRegistry;
import io.vertx.core.Promise;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTPS from a PEM certificate and key, with HTTP/2 offered through ALPN, and blob pushes over HTTP/2. */
class TlsTest {
    @TempDir
    static Path dir;
    static TestRegistry registry;
    static Vertx vertx;
    static Context context;
    static HttpClient http2;

    /** What a request over the HTTP/2 client got back. */
    record Answer(HttpVersion version, int status, String location, String body) {
    }

    @BeforeAll
    static void start() {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir);
        registry = TestRegistry.start(c -> c.withTls(new WharfConfig.Tls(cert.cert().toString(), cert.key().toString())));
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

    static Answer send(HttpMethod method, String path, byte[] body) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(registry.port())
                .setURI(path);
        // Issued from one Vert.x context, not from the test thread: a Vert.x 5 client driven from outside its
        // event loops now and then never completed a request (seen once in CI here, and in the benchmark).
        Promise<Answer> answered = Promise.promise();
        context.runOnContext(v -> http2.request(options).compose(request -> {
            if (body != null) {
                request.putHeader("Content-Type", "application/octet-stream");
                return request.send(Buffer.buffer(body));
            }
            return request.send();
        }).compose((HttpClientResponse response) -> response.body().map(b -> new Answer(response.version(),
                response.statusCode(), response.getHeader("Location"), b.toString(StandardCharsets.UTF_8))))
                .onComplete(answered));
        return answered.future().await(20, TimeUnit.SECONDS);
    }

    @Test
    void aCertificateWithoutItsKeyIsAConfigurationError() throws Exception {
        Path file = dir.resolve("half-tls.yaml");
        java.nio.file.Files.writeString(file, "tls:\n  cert: /etc/wharf/server.crt\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(e.getMessage().contains("tls.cert and tls.key must be set together"), e.getMessage());
    }

    @Test
    void theRegistryAnswersOverHttps() {
        registry.given().get("/v2/").then().statusCode(200).body(equalTo("{}"));
    }

    @Test
    void alpnNegotiatesHttp2() throws Exception {
        Answer answer = send(HttpMethod.GET, "/v2/", null);
        assertEquals(HttpVersion.HTTP_2, answer.version());
        assertEquals(200, answer.status());
    }

    @Test
    void aChunkedBlobPushWorksOverHttp2() throws Exception {
        byte[] first = "first chunk of the layer, ".getBytes(StandardCharsets.UTF_8);
        byte[] second = "and its second chunk".getBytes(StandardCharsets.UTF_8);
        String digest = Blobs.sha256("first chunk of the layer, and its second chunk".getBytes(StandardCharsets.UTF_8));

        Answer started = send(HttpMethod.POST, "/v2/tls/app/blobs/uploads/", null);
        assertEquals(202, started.status());
        Answer patched = send(HttpMethod.PATCH, started.location(), first);
        assertEquals(202, patched.status(), patched.body());
        String location = patched.location();
        Answer finished = send(HttpMethod.PUT, location + (location.contains("?") ? "&" : "?") + "digest=" + digest, second);
        assertEquals(201, finished.status(), finished.body());

        Answer pulled = send(HttpMethod.GET, "/v2/tls/app/blobs/" + digest, null);
        assertEquals(HttpVersion.HTTP_2, pulled.version());
        assertEquals("first chunk of the layer, and its second chunk", pulled.body());
    }

    @Test
    void aMonolithicBlobPushWorksOverHttp2() throws Exception {
        byte[] content = "x".repeat(200_000).getBytes(StandardCharsets.UTF_8);
        String digest = Blobs.sha256(content);
        Answer pushed = send(HttpMethod.POST, "/v2/tls/mono/blobs/uploads/?digest=" + digest, content);
        assertEquals(201, pushed.status(), pushed.body());
        assertEquals(content.length, send(HttpMethod.GET, "/v2/tls/mono/blobs/" + digest, null).body().length());
    }
}
