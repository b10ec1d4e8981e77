package dev.wharf.interop;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.wharf.config.ConfigLoader;
import dev.wharf.config.WharfConfig;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.ExternalClient;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workflow Wharf exists for, with a real Docker Engine: a multi-stage {@code docker build}, {@code docker push},
 * {@code docker rmi}, {@code docker pull}, {@code docker run}; pulls by digest, pushes that mount or upload
 * nothing; {@code docker login} with Basic auth and with the token service; and {@code docker search}. One daemon
 * for the class, trusting three Wharfs over plain HTTP: open, Basic, token.
 */
@Tag("interop")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerEngineTest {
    private static final String BASE = "wharf-test-base:1";
    private static TestRegistry open;
    private static TestRegistry basic;
    private static TestRegistry token;
    private static DockerDaemon daemon;
    private static Path authDir;
    private static String appDigest;

    @BeforeAll
    static void start() throws IOException {
        authDir = Files.createTempDirectory("wharf-docker-auth-");
        open = TestRegistry.start();
        basic = TestRegistry.start(c -> c.withAuth(auth("basic")));
        token = TestRegistry.start(c -> c.withAuth(auth("token")));
        daemon = DockerDaemon.start(List.of(host(open), host(basic), host(token)), null);
        daemon.importBase(BASE);
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
        for (TestRegistry registry : new TestRegistry[] {open, basic, token}) {
            if (registry != null) {
                registry.close();
            }
        }
        dev.wharf.testing.TempDirs.delete(authDir);
    }

    private static String host(TestRegistry registry) {
        return "127.0.0.1:" + registry.port();
    }

    /** alice may push and pull under team/, bob may only pull, anonymous callers may pull team/public. */
    private static WharfConfig.Auth auth(String mode) {
        try {
            Path htpasswd = Files.writeString(authDir.resolve("htpasswd-" + mode),
                    "alice:" + bcrypt("alice-secret") + "\nbob:" + bcrypt("bob-secret") + "\n");
            Path config = Files.writeString(authDir.resolve(mode + ".yaml"), """
                    auth:
                      htpasswd: %s
                      mode: %s
                      policies:
                        - users: [alice]
                          repositories: ["team/**"]
                          actions: [pull, push, delete]
                        - users: [bob]
                          repositories: ["team/**"]
                          actions: [pull]
                      anonymous:
                        - repositories: ["team/public"]
                          actions: [pull]
                    """.formatted(htpasswd, mode));
            return ConfigLoader.load(config, Map.of()).auth();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String bcrypt(String password) {
        return BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, password.toCharArray());
    }

    private static ExternalClient docker() {
        return daemon.docker();
    }

    /** Builds a two-stage image whose final stage holds what the build stage wrote; returns the tag. */
    private static String build(String tag, String marker) throws IOException {
        Path context = daemon.workDir(marker);
        Files.writeString(context.resolve("Dockerfile"), """
                FROM %1$s AS build
                RUN echo %2$s > /result.txt
                FROM %1$s
                COPY --from=build /result.txt /result.txt
                CMD ["/bin/cat", "/result.txt"]
                """.formatted(BASE, marker));
        docker().run("build", "--network", "none", "-t", tag, context.toString());
        return tag;
    }

    @Test
    @Order(1)
    void aMultiStageBuildIsPushedRemovedPulledBackAndRuns() throws IOException {
        String image = build(host(open) + "/app:1", "built-in-the-build-stage");

        appDigest = DockerDaemon.pushedDigest(docker().run("push", image));
        docker().run("rmi", image);
        String pulled = DockerDaemon.pulledDigest(docker().run("pull", image));
        String output = docker().run("run", "--rm", "--network", "none", image).stdout();

        assertEquals(appDigest, pulled, "docker pulled the manifest it pushed");
        assertEquals("built-in-the-build-stage", output.trim());
        assertTrue(docker().run("inspect", "--format", "{{index .RepoDigests 0}}", image).stdout().contains(appDigest));
        open.given().head("/v2/app/manifests/" + appDigest).then().statusCode(200);
    }

    @Test
    @Order(2)
    void anImageIsPulledByDigest() {
        String byDigest = host(open) + "/app@" + appDigest;
        docker().run("rmi", "-f", host(open) + "/app:1");
        assertEquals(appDigest, DockerDaemon.pulledDigest(docker().run("pull", byDigest)));
        assertEquals("built-in-the-build-stage", docker().run("run", "--rm", "--network", "none", byDigest).stdout().trim());
    }

    @Test
    @Order(3)
    void pushingTheSameImageToASecondRepositoryMountsItAndWritesNoNewBlob() {
        String source = host(open) + "/app:1";
        docker().run("pull", source);
        long stored = Blobs.storedCount(open);
        String copy = host(open) + "/copies/app:1";
        docker().run("tag", source, copy);

        ExternalClient.Result push = docker().run("push", copy);

        assertTrue(push.output().contains("Mounted from app"), push.output());
        assertEquals(appDigest, DockerDaemon.pushedDigest(push));
        assertEquals(stored, Blobs.storedCount(open), "a mount writes links, not blob files");
    }

    @Test
    @Order(4)
    void aSecondPushOfAnUnchangedImageUploadsNothing() {
        String image = host(open) + "/app:1";
        docker().run("pull", image);
        long stored = Blobs.storedCount(open);

        ExternalClient.Result again = docker().run("push", image);

        assertTrue(again.output().contains("Layer already exists"), again.output());
        assertTrue(!again.output().contains("Pushed"), again.output());
        assertEquals(stored, Blobs.storedCount(open));
    }

    @Test
    @Order(5)
    void dockerSearchFindsTheRepositoriesWithLimitAndFormat() {
        ExternalClient.Result search = docker().run("search", "--limit", "5", "--format", "{{.Name}}|{{.Description}}",
                host(open) + "/app");
        List<String> lines = search.stdout().lines().toList();
        assertEquals(List.of("app|", "copies/app|"), lines, search.output());
        ExternalClient.Result one = docker().run("search", "--limit", "1", "--format", "{{.Name}}", host(open) + "/app");
        assertEquals(List.of("app"), one.stdout().lines().toList());
    }

    @Test
    void loginPushAndPullWithBasicAuthentication() throws IOException {
        loginPushPull(basic, "basic");
    }

    @Test
    void loginPushAndPullWithTheTokenService() throws IOException {
        loginPushPull(token, "token");
    }

    private void loginPushPull(TestRegistry registry, String marker) throws IOException {
        String host = host(registry);
        ExternalClient.Result wrong = docker().attemptWithInput("wrong-password\n", "login", host, "-u", "alice", "--password-stdin");
        assertNotEquals(0, wrong.exitCode(), wrong.output());
        // Docker's own words: "login attempt to http://HOST/v2/ failed with status: 401 Unauthorized"
        assertTrue(wrong.output().contains("401 Unauthorized") || wrong.output().contains("unauthorized"), wrong.output());

        ExternalClient.Result login = docker().attemptWithInput("alice-secret\n", "login", host, "-u", "alice", "--password-stdin");
        assertEquals(0, login.exitCode(), login.output());
        assertTrue(login.output().contains("Login Succeeded"), login.output());
        String image = build(host + "/team/" + marker + ":1", "pushed-with-" + marker);
        String pushed = DockerDaemon.pushedDigest(docker().run("push", image));
        docker().run("rmi", image);
        assertEquals(pushed, DockerDaemon.pulledDigest(docker().run("pull", image)));
        assertEquals("pushed-with-" + marker, docker().run("run", "--rm", "--network", "none", image).stdout().trim());
        String published = host + "/team/public:1";
        docker().run("tag", image, published);
        docker().run("push", published);
        // signed in, search shows what alice may pull; signed out, what anonymous callers may
        ExternalClient.Result search = docker().run("search", "--format", "{{.Name}}", host + "/team");
        assertEquals(java.util.stream.Stream.of("team/" + marker, "team/public").sorted().toList(),
                search.stdout().lines().sorted().toList(), search.output());
        docker().run("logout", host);
        ExternalClient.Result anonymous = docker().run("search", "--format", "{{.Name}}", host + "/team");
        assertEquals(List.of("team/public"), anonymous.stdout().lines().toList(), anonymous.output());

        // bob may pull but not push
        ExternalClient.Result bob = docker().attemptWithInput("bob-secret\n", "login", host, "-u", "bob", "--password-stdin");
        assertEquals(0, bob.exitCode(), bob.output());
        docker().run("pull", image);
        String other = host + "/team/" + marker + "-by-bob:1";
        docker().run("tag", image, other);
        ExternalClient.Result denied = docker().attempt("push", other);
        docker().run("logout", host);
        assertNotEquals(0, denied.exitCode(), denied.output());
        assertTrue(denied.output().contains("denied") || denied.output().contains("insufficient_scope")
                || denied.output().contains("unauthorized"), denied.output());
    }
}
