package dev.wharf.mirror;

import dev.wharf.testing.Blobs;
import dev.wharf.testing.ExternalClient;
import dev.wharf.testing.Poll;
import dev.wharf.testing.Processes;
import dev.wharf.testing.TempDirs;
import dev.wharf.testing.TestRegistry;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CNCF Distribution 2.8.2 (Debian's {@code docker-registry}) as the upstream, a real registry of another make. It
 * is also the test of a stopped upstream: {@code SIGSTOP} leaves its socket accepting connections that nobody
 * answers, the way a hung process does, and the mirror must still serve the tags it holds within its timeout.
 */
@Tag("interop")
class DistributionUpstreamTest {

    @Test
    void imagesOfADistributionUpstreamArePulledThroughAndServedStaleWhileItIsStopped() throws Exception {
        ExternalClient registryBinary = ExternalClient.require("docker-registry");
        Path root = Files.createTempDirectory("distribution-upstream-");
        int port = freePort();
        Path config = root.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                """.formatted(root.resolve("data"), port));
        Process distribution = new ProcessBuilder(registryBinary.executable().toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("distribution.log").toFile()).start();
        try {
            Poll.until("Distribution 2.8.2 listens", Duration.ofSeconds(20), () -> listening(port));
            RequestSpecification up = RestAssured.given().baseUri("http://127.0.0.1").port(port).urlEncodingEnabled(false);
            byte[] imageConfig = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
            byte[] layer = Blobs.content(2 << 20, 1);
            push(up, imageConfig);
            push(up, layer);
            String manifest = """
                    {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",\
                    "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"%s","size":%d},\
                    "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"%s","size":%d}]}"""
                    .formatted(Blobs.sha256(imageConfig), imageConfig.length, Blobs.sha256(layer), layer.length);
            byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
            up.contentType("application/vnd.docker.distribution.manifest.v2+json").body(manifestBytes)
                    .put("/v2/library/app/manifests/latest").then().statusCode(201);

            // freshness 0s: every pull of the tag revalidates
            try (TestRegistry mirror = Mirrors.of(Mirrors.upstream("distribution.test", "http://127.0.0.1:" + port, true, "0s"))) {
                assertArrayEquals(manifestBytes, mirror.given().get("/v2/library/app/manifests/latest").then().statusCode(200)
                        .header("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
                        .header("Docker-Content-Digest", Blobs.sha256(manifestBytes)).extract().asByteArray());
                assertArrayEquals(layer, mirror.given().get("/v2/library/app/blobs/" + Blobs.sha256(layer)).then().statusCode(200)
                        .extract().asByteArray());
                mirror.given().get("/v2/library/app/manifests/" + Blobs.sha256("nothing".getBytes())).then().statusCode(404)
                        .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));

                signal("STOP", distribution.pid());
                try {
                    long started = System.nanoTime();
                    mirror.given().get("/v2/library/app/manifests/latest").then().statusCode(200)
                            .header("Docker-Content-Digest", Blobs.sha256(manifestBytes));
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    assertTrue(millis < 4000, "served stale in " + millis + " ms (timeout 1 s)");
                    mirror.given().get("/v2/library/app/blobs/" + Blobs.sha256(layer)).then().statusCode(200);
                } finally {
                    signal("CONT", distribution.pid());
                }
            }
        } finally {
            Processes.terminate(distribution, Duration.ofSeconds(5));
            TempDirs.delete(root);
        }
    }

    private static void push(RequestSpecification up, byte[] content) {
        String location = RestAssured.given().spec(up).post("/v2/library/app/blobs/uploads/").then().statusCode(202)
                .extract().header("Location");
        String url = location + (location.contains("?") ? "&" : "?") + "digest=" + Blobs.sha256(content);
        RestAssured.given().urlEncodingEnabled(false).contentType("application/octet-stream").body(content).put(url)
                .then().statusCode(201);
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
