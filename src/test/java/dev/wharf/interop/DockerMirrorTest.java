package dev.wharf.interop;

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
 * of a {@code library/} image is answered by Wharf. There is no internet here, so a pull that succeeds came from
 * the mirror. The image is pushed to Wharf first; once the pull-through cache exists, Wharf fetches it itself.
 */
@Tag("interop")
class DockerMirrorTest {

    @Test
    void aPullOfALibraryImageIsServedByWharfAsTheMirror() throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            String host = "127.0.0.1:" + registry.port();
            try (DockerDaemon daemon = DockerDaemon.start(List.of(host), "http://" + host)) {
                ExternalClient docker = daemon.docker();
                daemon.importBase("wharf-test-base:1");
                Path context = daemon.workDir("mirrored");
                Files.writeString(context.resolve("Dockerfile"), """
                        FROM wharf-test-base:1
                        RUN echo served-by-the-mirror > /result.txt
                        CMD ["/bin/cat", "/result.txt"]
                        """);
                String pushedAs = host + "/library/mirrored:1";
                docker.run("build", "--network", "none", "-t", pushedAs, context.toString());
                String pushed = DockerDaemon.pushedDigest(docker.run("push", pushedAs));
                docker.run("rmi", pushedAs);

                ExternalClient.Result pull = docker.run("pull", "mirrored:1");

                assertEquals(pushed, DockerDaemon.pulledDigest(pull), pull.output());
                assertEquals("served-by-the-mirror", docker.run("run", "--rm", "--network", "none", "mirrored:1").stdout().trim());
                assertEquals(List.of("mirrored:1"),
                        docker.run("image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "mirrored").stdout().lines().toList());
            }
        }
    }
}
