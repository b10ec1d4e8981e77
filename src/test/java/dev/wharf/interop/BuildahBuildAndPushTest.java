package dev.wharf.interop;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** buildah's whole build-and-push flow against Wharf: from scratch, copy, config, commit, push. */
class BuildahBuildAndPushTest extends InteropTest {

    @Test
    void imageBuiltFromScratchIsPushedWithItsConfig() throws IOException {
        Path context = Files.createDirectories(clients.work("context"));
        Files.writeString(context.resolve("hello.txt"), "hello from buildah\n");
        String container = clients.buildah().run("from", "scratch").stdout().strip();
        clients.buildah().run("copy", container, context.resolve("hello.txt").toString(), "/srv/hello.txt");
        clients.buildah().run("config", "--entrypoint", "[\"/srv/hello\"]", "--env", "GREETING=hello",
                "--label", "org.example.flavour=plain", "--workingdir", "/srv", container);
        clients.buildah().run("commit", "--quiet", container, "hello");

        String pushed = pushReportingDigest(clients.buildah(), List.of("push", "--tls-verify=false"), "hello",
                clients.remote("shop/hello:1.0"));

        assertEquals(pushed, stored.manifestDigest("shop/hello", "1.0"));
        assertEquals(pushed, sha256(inspectRaw("shop/hello:1.0")));
        JsonNode config = json(clients.skopeo().run("inspect", "--config", "--tls-verify=false",
                clients.remote("shop/hello:1.0")).stdout()).path("config");
        assertEquals("/srv/hello", config.path("Entrypoint").path(0).asText());
        assertEquals("/srv", config.path("WorkingDir").asText());
        assertEquals("plain", config.path("Labels").path("org.example.flavour").asText());
        assertTrue(config.path("Env").toString().contains("\"GREETING=hello\""), config.toString());
    }
}
