package dev.wharf.interop;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.ExternalClient;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Docker's daemon with Wharf as its Docker Hub mirror ({@code --registry-mirror}): {@code docker pull name:tag}
 * of a {@code library/} image is answered by Wharf, which fetches it from its own upstream (another Wharf, named
 * {@code docker.io}) and keeps it as {@code docker.io/library/<name>}. There is no internet here, so a pull that
 * succeeds came from the mirror, and the mirror holds only what it fetched.
 */
@Tag("interop")
class DockerMirrorTest {

    @Test
    void aPullOfALibraryImageIsFetchedByTheMirrorFromItsUpstreamAndCachedAsDockerIo() throws Exception {
        try (TestRegistry upstream = TestRegistry.start();
             TestRegistry mirror = TestRegistry.start(c -> c.withProxy(
                     new WharfConfig.Proxy(upstream.baseUrl(), "docker.io", List.of(), "1h")))) {
            String upstreamHost = "127.0.0.1:" + upstream.port();
            String mirrorHost = "127.0.0.1:" + mirror.port();
            try (DockerDaemon daemon = DockerDaemon.start(List.of(upstreamHost, mirrorHost), "http://" + mirrorHost)) {
                ExternalClient docker = daemon.docker();
                daemon.importBase("wharf-test-base:1");
                Path context = daemon.workDir("mirrored");
                Files.writeString(context.resolve("Dockerfile"), """
                        FROM wharf-test-base:1
                        RUN echo served-by-the-mirror > /result.txt
                        CMD ["/bin/cat", "/result.txt"]
                        """);
                String pushedAs = upstreamHost + "/library/mirrored:1";
                docker.run("build", "--network", "none", "-t", pushedAs, context.toString());
                String pushed = DockerDaemon.pushedDigest(docker.run("push", pushedAs));
                docker.run("rmi", pushedAs);
                assertEquals(List.of(), catalog(mirror), "the mirror starts empty");

                ExternalClient.Result pull = docker.run("pull", "mirrored:1");

                assertEquals(pushed, DockerDaemon.pulledDigest(pull), pull.output());
                assertEquals("served-by-the-mirror", docker.run("run", "--rm", "--network", "none", "mirrored:1").stdout().trim());
                assertEquals(List.of("mirrored:1"),
                        docker.run("image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "mirrored").stdout().lines().toList());
                assertEquals(List.of("docker.io/library/mirrored"), catalog(mirror));
            }
        }
    }

    private static List<String> catalog(TestRegistry registry) {
        return registry.given().get("/v2/_catalog").then().statusCode(200).extract().jsonPath().getList("repositories", String.class);
    }
}
