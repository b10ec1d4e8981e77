package dev.wharf.api;

import dev.wharf.WharfServer;
import dev.wharf.storage.fs.FileSeams;
import dev.wharf.config.ConfigLoader;
import dev.wharf.config.WharfConfig;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.StallingWriteChannels;
import dev.wharf.testing.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An upload the server itself holds back (its disk has stalled, so it stops reading) sends nothing for longer
 * than http.bodyTimeout through no fault of the client: it is not cut, and completes once the disk moves again.
 */
class ServerBackPressureIsNoStalledBodyTest {
    private static final StallingWriteChannels DISK = new StallingWriteChannels();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static Path root;
    private static WharfServer server;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("wharf-backpressure-");
        WharfConfig config = ConfigLoader.defaultsOnly().withStorageRoot(root.toString())
                .withHttp(new WharfConfig.Http("127.0.0.1", 0, 2, "5s").withConnectionLimits("1s", "1s", "1s", 0));
        server = new WharfServer(config, FileSeams.DIRECT.withWrites(DISK));
        server.start().await(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        DISK.release();
        server.stop();
        TempDirs.delete(root);
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void anUploadHeldBackByTheServerForLongerThanTheBodyTimeoutIsNotCut() throws Exception {
        // Well past the few MiB the server buffers before it pauses the body.
        byte[] content = Blobs.content(16 << 20, 21);
        String digest = Blobs.sha256(content);
        DISK.stall();
        CompletableFuture<HttpResponse<String>> push = HTTP.sendAsync(HttpRequest.newBuilder(
                        uri("/v2/team/backpressure/blobs/uploads/?digest=" + digest))
                .header("Content-Type", "application/octet-stream").timeout(Duration.ofSeconds(90))
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());

        // Four body timeouts with the disk stopped, so the body is paused by the server all that time.
        Thread.sleep(4_000);
        assertFalse(push.isDone(), () -> "the upload ended while the disk was stalled: " + push.join().statusCode()
                + " " + push.join().body());
        DISK.release();

        HttpResponse<String> pushed = push.get(60, TimeUnit.SECONDS);
        assertEquals(201, pushed.statusCode(), pushed.body());
        HttpResponse<byte[]> pulled = HTTP.send(HttpRequest.newBuilder(uri("/v2/team/backpressure/blobs/" + digest))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, pulled.statusCode());
        assertArrayEquals(content, pulled.body());
    }
}
