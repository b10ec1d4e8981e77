package dev.wharf.auth;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.ExternalClient;
import dev.wharf.testing.ExternalClient.Result;
import dev.wharf.testing.SelfSignedCertificate;
import dev.wharf.testing.TempDirs;
import dev.wharf.testing.TestRegistry;
import dev.wharf.testing.TinyOciImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * skopeo and podman against Wharf with an htpasswd file, with the token service, and over TLS with a
 * certificate the test makes and the clients trust through {@code --cert-dir}.
 */
@Tag("interop")
@Timeout(300)
class RealClientAuthTest {
    @TempDir
    static Path dir;
    static Path htpasswd;
    static TestRegistry basic;
    static TestRegistry token;

    @BeforeAll
    static void start() {
        htpasswd = AuthFixtures.htpasswd(dir, BasicAuthTest.PASSWORDS);
        basic = TestRegistry.start(c -> c.withAuth(auth("")));
        token = TestRegistry.start(c -> c.withAuth(auth("  mode: token\n")));
    }

    @AfterAll
    static void stop() {
        if (basic != null) {
            basic.close();
        }
        if (token != null) {
            token.close();
        }
    }

    static WharfConfig.Auth auth(String extra) {
        return AuthFixtures.auth(dir, BasicAuthTest.authYaml(htpasswd, extra));
    }

    static String host(TestRegistry registry) {
        return "127.0.0.1:" + registry.port();
    }

    static Result skopeo(String... args) {
        return ExternalClient.require("skopeo").attempt(args);
    }

    /** skopeo login with the password on stdin (never on the command line), into a fresh auth file. */
    static Result skopeoLogin(String registry, String user, String password, String... tlsArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of("login", "--authfile",
                Files.createTempDirectory(dir, "auth").resolve("auth.json").toString(), "-u", user, "--password-stdin"));
        command.addAll(List.of(tlsArgs.length > 0 ? tlsArgs : new String[] {"--tls-verify=false"}));
        command.add(registry);
        return ExternalClient.require("skopeo").attemptWithInput(password + "\n", command.toArray(String[]::new));
    }

    /**
     * podman login with its own throw-away storage (vfs: works as root without overlay support). The folder
     * is made directly under the system temp folder because podman refuses a run root longer than 50 characters.
     */
    static Result podmanLogin(String registry, String user, String password, String... tlsArgs) throws IOException {
        ExternalClient podman = ExternalClient.require("podman");
        Path work = Files.createTempDirectory("wp");
        try {
            return podmanLogin(podman, work, registry, user, password, tlsArgs);
        } finally {
            TempDirs.delete(work);
        }
    }

    private static Result podmanLogin(ExternalClient podman, Path work, String registry, String user, String password,
                                      String... tlsArgs) {
        List<String> command = new ArrayList<>(List.of("--root", work.resolve("root").toString(),
                "--runroot", work.resolve("run").toString(), "--storage-driver", "vfs",
                "login", "--authfile", work.resolve("auth.json").toString(), "-u", user, "--password-stdin"));
        command.addAll(List.of(tlsArgs.length > 0 ? tlsArgs : new String[] {"--tls-verify=false"}));
        command.add(registry);
        return podman.attemptWithInput(password + "\n", command.toArray(String[]::new));
    }

    static Result copy(TinyOciImage image, String destination, String creds, String... tlsArgs) {
        List<String> args = new ArrayList<>(List.of("copy", "--dest-creds", creds));
        args.addAll(List.of(tlsArgs.length > 0 ? tlsArgs : new String[] {"--dest-tls-verify=false"}));
        args.add(image.reference());
        args.add(destination);
        return skopeo(args.toArray(String[]::new));
    }

    /** A client's login, as the tests drive it. */
    interface Login {
        Result as(String registry, String user, String password, String... tlsArgs) throws IOException;
    }

    /** Logs in to both registries (htpasswd, token service) with the right password, then with a wrong one. */
    static void acceptsOnlyTheRightPassword(Login login, String user) throws IOException {
        for (TestRegistry registry : List.of(basic, token)) {
            Result ok = login.as(host(registry), user, BasicAuthTest.PASSWORDS.get(user));
            assertEquals(0, ok.exitCode(), ok.describe());
            Result wrong = login.as(host(registry), user, "not-the-password");
            assertNotEquals(0, wrong.exitCode(), wrong.describe());
        }
    }

    @Test
    void skopeoLoginWithHtpasswdAndThroughTheTokenServiceAcceptsTheRightPasswordOnly() throws IOException {
        acceptsOnlyTheRightPassword(RealClientAuthTest::skopeoLogin, "alice");
    }

    @Test
    void podmanLoginWithHtpasswdAndThroughTheTokenServiceAcceptsTheRightPasswordOnly() throws IOException {
        acceptsOnlyTheRightPassword(RealClientAuthTest::podmanLogin, "carol");
    }

    @Test
    void aPushIsDeniedToAUserWithoutPushAndAllowedToOneWithIt() throws IOException {
        for (TestRegistry registry : List.of(basic, token)) {
            TinyOciImage image = TinyOciImage.write(Files.createTempDirectory(dir, "image"), "v1", "push-" + registry.port());
            String destination = "docker://" + host(registry) + "/team-a/app:v1";
            Result denied = copy(image, destination, "bob:bob-secret");
            assertNotEquals(0, denied.exitCode(), denied.describe());
            assertTrue(denied.output().toLowerCase().contains("denied"), denied.output());

            Result pushed = copy(image, destination, "alice:alice-secret");
            assertEquals(0, pushed.exitCode(), pushed.describe());
            Result inspected = skopeo("inspect", "--tls-verify=false", "--creds", "bob:bob-secret", "--raw", destination);
            assertEquals(0, inspected.exitCode(), inspected.describe());
            assertTrue(inspected.stdout().contains("\"schemaVersion\":2"), inspected.describe());
            Result outsider = skopeo("inspect", "--tls-verify=false", "--creds", "carol:carol-secret", "--raw", destination);
            assertNotEquals(0, outsider.exitCode(), outsider.describe());
        }
    }

    @Test
    void overTlsWithASelfSignedCertificateTrustedThroughCertDir() throws IOException {
        SelfSignedCertificate cert = SelfSignedCertificate.create(Files.createTempDirectory(dir, "tls"));
        Path certDir = Files.createTempDirectory(dir, "certs");
        Files.copy(cert.cert(), certDir.resolve("ca.crt"));
        try (TestRegistry tls = TestRegistry.start(c -> c.withAuth(auth("  mode: token\n"))
                .withTls(new WharfConfig.Tls(cert.cert().toString(), cert.key().toString())))) {
            String trust = "--cert-dir=" + certDir;
            Result skopeoLogin = skopeoLogin(host(tls), "alice", "alice-secret", trust);
            assertEquals(0, skopeoLogin.exitCode(), skopeoLogin.describe());
            Result podmanLogin = podmanLogin(host(tls), "alice", "alice-secret", trust);
            assertEquals(0, podmanLogin.exitCode(), podmanLogin.describe());

            TinyOciImage image = TinyOciImage.write(Files.createTempDirectory(dir, "image"), "v1", "tls");
            Result pushed = copy(image, "docker://" + host(tls) + "/team-a/secure:v1", "alice:alice-secret",
                    "--dest-cert-dir=" + certDir);
            assertEquals(0, pushed.exitCode(), pushed.describe());
            Result untrusted = skopeoLogin(host(tls), "alice", "alice-secret", "--tls-verify=true");
            assertNotEquals(0, untrusted.exitCode(), "without the certificate the client must refuse: " + untrusted.describe());
        }
    }
}
