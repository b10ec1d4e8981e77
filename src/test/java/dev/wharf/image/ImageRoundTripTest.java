package dev.wharf.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.interop.DockerDaemon;
import dev.wharf.testing.ExternalClient;
import dev.wharf.testing.Poll;
import dev.wharf.testing.TempDirs;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wharf's own container image (docs/image.md), end to end: the {@code image} Maven profile makes the base from the
 * local JDK and Debian's libraries and Jib pushes the image into a Wharf the test starts; a Docker Engine of the
 * test's pulls it, checks how it is made (non-root numeric user, the launcher's memory flags, the port, the volume,
 * the storage root) and runs it with a config file mounted at {@code /etc/wharf/wharf.yaml}; then an image made
 * offline is pushed into the containerised Wharf, pulled back and run, and {@code wharf du} in a second container
 * over the same volume sees it. The image's size is printed.
 *
 * <p>The build is a second Maven on this project (the goals of the profile, not its lifecycle, so the classes the
 * running build compiled are used as they are and nothing in them is rewritten).
 */
@Tag("interop")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageRoundTripTest {
    private static final Pattern LAUNCHER_FLAGS = Pattern.compile("exec \"\\$java\" (.*?) \\$WHARF_JAVA_OPTS -jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static TestRegistry registry;
    private static DockerDaemon daemon;
    private static Path work;
    /** The containerised Wharf's port, on the host's network. */
    private static int port;
    private static String image;
    private static String containerId;

    @BeforeAll
    static void buildAndPull() throws IOException {
        ExternalClient mvn = ExternalClient.require("mvn", "maven");
        Path jdk = Path.of(System.getProperty("java.home"));
        ExternalClient.requireAt(jdk.resolve("bin/jlink"), "a JDK with jmods: apt-get install openjdk-17-jdk-headless");
        ExternalClient.requireAt(Path.of("/bin/busybox"), "apt-get install busybox-static");
        Path basedir = Path.of("").toAbsolutePath();
        assertTrue(Files.isRegularFile(basedir.resolve("pom.xml")), "run in the project's folder: " + basedir);

        work = Files.createTempDirectory("wharf-image-");
        port = freePort();
        registry = TestRegistry.start();
        String registryHost = "127.0.0.1:" + registry.port();
        daemon = DockerDaemon.start(List.of(registryHost, "127.0.0.1:" + port), null);
        image = registryHost + "/wharf/server:test";

        long start = System.nanoTime();
        Path buildDir = buildDirectory();
        Files.deleteIfExists(buildDir.resolve("jib-image.digest"));
        mvn.inDirectory(basedir).withTimeout(Duration.ofMinutes(5)).run("-B", "-ntp", "-Pimage",
                "-Dwharf.build=" + buildDir, "-Dwharf.image=" + image, "-Dwharf.image.jdk=" + jdk,
                "-Djib.allowInsecureRegistries=true", "-Djib.disableUpdateChecks=true",
                "exec:exec@image-base", "jib:build");
        String built = Files.readString(buildDir.resolve("jib-image.digest")).trim();
        System.out.printf("ImageRoundTripTest: base made and image built and pushed by Jib in %d s%n",
                Duration.ofNanos(System.nanoTime() - start).toSeconds());

        String pulled = DockerDaemon.pulledDigest(docker().run("pull", image));
        assertEquals(built, pulled, "Docker pulled the image Jib pushed into Wharf");
    }

    @AfterAll
    static void cleanUp() {
        if (daemon != null) {
            if (containerId != null) {
                docker().attempt("rm", "-f", "-v", containerId);
            }
            // A container on the host's network makes dockerd bind-mount that namespace under its exec root, which
            // stays mounted after it stops and keeps its temp folder from being removed.
            ExternalClient.Result root = docker().attempt("info", "--format", "{{.DockerRootDir}}");
            daemon.close();
            Path dir = root.exitCode() == 0 ? Path.of(root.stdout().trim()).getParent() : null;
            // only the daemon's own temp folder (DockerDaemon: /tmp/wharf-dockerd-*/root)
            if (dir != null && String.valueOf(dir.getFileName()).startsWith("wharf-dockerd-")) {
                Path netns = dir.resolve("exec/netns/default");
                if (Files.exists(netns) && ExternalClient.installed("umount")) {
                    ExternalClient.require("umount").attempt(netns.toString());
                }
                TempDirs.delete(dir);
            }
        }
        if (registry != null) {
            registry.close();
        }
        if (work != null) {
            TempDirs.delete(work);
        }
    }

    private static ExternalClient docker() {
        return daemon.docker();
    }

    @Test
    @Order(1)
    void theImageRunsAsANumericNonRootUserWithTheLaunchersFlagsPortVolumeAndStorageRoot() throws IOException {
        JsonNode config = JSON.readTree(
                docker().run("image", "inspect", "--format", "{{json .Config}}", image).stdout());

        String user = config.path("User").asText();
        assertTrue(user.matches("[0-9]+(:[0-9]+)?"), "a numeric user, so that runAsNonRoot can check it: " + user);
        assertNotEquals("0", user.split(":")[0], "not root");

        List<String> entrypoint = strings(config.path("Entrypoint"));
        List<String> expected = new ArrayList<>(List.of("java"));
        expected.addAll(launcherFlags());
        expected.addAll(List.of("-cp", "@/app/jib-classpath-file", "dev.wharf.Main"));
        assertEquals(expected, entrypoint, "java with the memory flags of src/main/dist/wharf");
        assertEquals(List.of("--config", "/etc/wharf/wharf.yaml"), strings(config.path("Cmd")));

        assertTrue(config.path("ExposedPorts").has("5000/tcp"), config.toString());
        assertTrue(config.path("Volumes").has("/var/lib/wharf"), config.toString());
        assertTrue(strings(config.path("Env")).contains("WHARF_STORAGE_ROOT=/var/lib/wharf"), config.toString());

        long unpacked = Long.parseLong(
                docker().run("image", "inspect", "--format", "{{.Size}}", image).stdout().trim());
        JsonNode manifest = JSON.readTree(registry.given()
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json")
                .get("/v2/wharf/server/manifests/test").then().statusCode(200).extract().asString());
        long compressed = manifest.path("config").path("size").asLong();
        for (JsonNode layer : manifest.path("layers")) {
            compressed += layer.path("size").asLong();
        }
        System.out.printf("ImageRoundTripTest: image size %d bytes (%.1f MiB) unpacked (docker image inspect), "
                        + "%d bytes (%.1f MiB) compressed in the registry, %d layers%n",
                unpacked, unpacked / 1048576.0, compressed, compressed / 1048576.0, manifest.path("layers").size());
    }

    @Test
    @Order(2)
    void theContainerisedWharfReadsEtcWharfAndServesAPushAndAPull() throws IOException {
        // The port comes from the mounted config file only: the server answering on it shows the file was read.
        Path config = Files.writeString(work.resolve("wharf.yaml"), "http:\n  port: " + port + "\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        long start = System.nanoTime();
        containerId = docker().run("run", "-d", "--network", "host",
                "-v", config + ":/etc/wharf/wharf.yaml:ro", image).stdout().trim();
        Poll.until("the containerised Wharf answers on port " + port, Duration.ofSeconds(90), () -> {
            String running = docker().run("inspect", "--format", "{{.State.Running}}", containerId).stdout().trim();
            if (!"true".equals(running)) {
                throw new AssertionError("the container stopped:\n" + docker().attempt("logs", containerId).output());
            }
            return status("http://127.0.0.1:" + port + "/v2/") == 200;
        });
        System.out.printf("ImageRoundTripTest: the containerised Wharf answered %d ms after docker run%n",
                Duration.ofNanos(System.nanoTime() - start).toMillis());
        String log = docker().run("logs", containerId).output();
        assertTrue(log.contains("listening on http://0.0.0.0:" + port), log);
        assertTrue(log.contains("storage at /var/lib/wharf"), log);

        String pushed = "127.0.0.1:" + port + "/demo/hello:1";
        importHelloImage(pushed, "served-by-the-containerised-wharf");
        String digest = DockerDaemon.pushedDigest(docker().run("push", pushed));
        docker().run("rmi", pushed);
        assertEquals(digest, DockerDaemon.pulledDigest(docker().run("pull", pushed)));
        assertEquals("served-by-the-containerised-wharf",
                docker().run("run", "--rm", "--network", "none", pushed).stdout().trim());

        // Another command of the image, over the same volume: it finds /etc/wharf/wharf.yaml and the data.
        JsonNode du = JSON.readTree(docker().run("run", "--rm", "--network", "none", "--volumes-from", containerId,
                image, "du", "--json").stdout());
        assertEquals(1, du.path("repositories").asInt(), du.toString());
        assertTrue(du.path("blobs").asInt() >= 2, du.toString());

        docker().run("stop", "--time", "30", containerId);
        String stopped = docker().run("logs", containerId).output();
        assertTrue(stopped.contains("stopped"), "SIGTERM reached the JVM and Wharf stopped gracefully:\n" + stopped);
    }

    /** The memory flags the launcher starts the JVM with. */
    private static List<String> launcherFlags() throws IOException {
        String launcher = Files.readString(Path.of("src/main/dist/wharf")).replace("\\\n  ", "");
        Matcher m = LAUNCHER_FLAGS.matcher(launcher);
        assertTrue(m.find(), "the launcher's exec line");
        return Arrays.asList(m.group(1).trim().split("\\s+"));
    }

    /** A one-layer image made offline: the static busybox and a file to print, with {@code cat} as its command. */
    private static void importHelloImage(String name, String text) throws IOException {
        Path rootfs = Files.createDirectories(work.resolve("hello-rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
        Files.createSymbolicLink(rootfs.resolve("cat"), Path.of("busybox"));
        Files.writeString(rootfs.getParent().resolve("hello.txt"), text + "\n");
        Path tar = work.resolve("hello.tar");
        ExternalClient.require("tar").run("-C", rootfs.getParent().toString(), "-cf", tar.toString(), ".");
        docker().run("import", "--change", "CMD [\"/bin/cat\", \"/hello.txt\"]", tar.toString(), name);
    }

    private static Path buildDirectory() {
        try {
            // <build>/test-classes
            return Path.of(ImageRoundTripTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
