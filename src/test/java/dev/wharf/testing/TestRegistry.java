package dev.wharf.testing;

import dev.wharf.WharfServer;
import dev.wharf.config.ConfigLoader;
import dev.wharf.config.WharfConfig;
import dev.wharf.storage.fs.FileSeams;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.specification.RequestSpecification;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A Wharf server for one test class: on a free loopback port, over a fresh temp storage root (and, with
 * {@code -Dwharf.test.storage=s3mock|s3proxy}, a fresh bucket: see {@link TestStorage}), stopped and removed by
 * {@link #close()}.
 */
public final class TestRegistry implements AutoCloseable {
    /** A request the server never answers fails the test after this long instead of hanging the build. */
    private static final RestAssuredConfig CLIENT = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
            .setParam("http.connection.timeout", 10_000).setParam("http.socket.timeout", 30_000));

    private final Path root;
    private final WharfConfig config;
    private final FileSeams seams;
    private WharfServer server;
    /** Basic credentials every request of {@link #given()} carries, or null. */
    private String[] credentials;

    private TestRegistry(Path root, WharfConfig config, FileSeams seams) {
        this.root = root;
        this.config = config;
        this.seams = seams;
    }

    public static TestRegistry start() {
        return start(UnaryOperator.identity());
    }

    /** Starts with the built-in defaults, a temp root and a free port, after {@code tweak} has had its say. */
    public static TestRegistry start(UnaryOperator<WharfConfig> tweak) {
        return start(tweak, FileSeams.DIRECT);
    }

    /** As {@link #start(UnaryOperator)}, with storage that meets the disk through {@code seams} (fault tests). */
    public static TestRegistry start(UnaryOperator<WharfConfig> tweak, FileSeams seams) {
        try {
            Path root = Files.createTempDirectory("wharf-test-");
            WharfConfig base = ConfigLoader.defaultsOnly().withStorageRoot(root.toString()).withPort(0);
            base = new WharfConfig(new WharfConfig.Http("127.0.0.1", 0, 2, "5s"),
                    TestStorage.storage(root), base.uploads(), base.manifests(), base.auth(), base.tls(), base.gc());
            TestRegistry registry = new TestRegistry(root, tweak.apply(base), seams);
            registry.boot();
            return registry;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server (again) over the same storage root, as after a restart. */
    public void boot() throws IOException {
        server = new WharfServer(config, seams);
        try {
            server.start().await(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("the server did not start in 30 s", e);
        }
    }

    /** Stops the server but keeps its storage, for restart tests. */
    public void stopServer() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    public int port() {
        return server.port();
    }

    public String baseUrl() {
        return scheme() + "://127.0.0.1:" + port();
    }

    /** https when the registry was started with a TLS certificate, else http. */
    public String scheme() {
        return config.tls().enabled() ? "https" : "http";
    }

    public Path root() {
        return root;
    }

    public WharfServer server() {
        return server;
    }

    /** A rest-assured request aimed at this registry. */
    public RequestSpecification given() {
        RequestSpecification spec = RestAssured.given().baseUri(scheme() + "://127.0.0.1").port(port()).urlEncodingEnabled(false)
                .config(CLIENT);
        if (credentials != null) {
            spec = spec.auth().preemptive().basic(credentials[0], credentials[1]);
        }
        // Tests make their own self-signed certificates; trusting them is what the test is about, not the CA chain.
        return config.tls().enabled() ? spec.relaxedHTTPSValidation() : spec;
    }

    /** From now on {@link #given()} signs in as {@code user} (for helpers that push into a registry with auth on). */
    public TestRegistry signedInAs(String user, String password) {
        this.credentials = new String[] {user, password};
        return this;
    }

    @Override
    public void close() {
        stopServer();
        TempDirs.delete(root);
    }
}
