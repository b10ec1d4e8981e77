package dev.wharf.interop;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.ExternalClient;
import dev.wharf.testing.TestRegistry;
import dev.wharf.testing.TinyOciImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pull-through cache as real clients meet it: a mirror Wharf in front of an upstream registry (the test's own
 * Wharf, {@code registry}), asked by skopeo directly, by podman as the {@code [[registry.mirror]]} of its
 * registries.conf, and by containerd as a {@code hosts.toml} mirror (which adds {@code ?ns=<registry>}). Wherever
 * the registry a client names is a loopback port nothing listens on, or a name that does not resolve, a pull that
 * succeeds can only have come through the mirror; the mirror's catalog then shows what it cached, and under which
 * name.
 */
class MirrorClientsTest extends InteropTest {
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stopMirrorsAndDaemons() throws Exception {
        Exception first = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Test
    void skopeoPullsThroughTheDefaultUpstreamByTagByDigestAndByPrefixThenFromTheCacheWithTheUpstreamStopped() throws IOException {
        TinyOciImage image = pushTinyImage(registry, "library/app:v1", "skopeo");
        String pushed = image.manifestDigest();
        int upstreamPort = registry.port();
        TestRegistry mirror = startMirror(new WharfConfig.Proxy(registry.baseUrl(), "", List.of(), "1h"));
        String prefix = "127.0.0.1-" + upstreamPort;

        assertEquals(pushed, skopeoPull(host(mirror) + "/library/app:v1", image, "by-tag"));
        assertEquals(pushed, skopeoPull(host(mirror) + "/library/app@" + pushed, image, "by-digest"));
        assertEquals(pushed, skopeoPull(host(mirror) + "/" + prefix + "/library/app:v1", image, "by-prefix"));
        assertEquals(List.of(prefix + "/library/app"), catalog(mirror));

        registry.stopServer();
        assertNothingListens(upstreamPort);

        // The tag was fetched seconds ago, within the upstream's 60 s freshness: served without asking anyone.
        assertEquals(pushed, skopeoPull(host(mirror) + "/library/app:v1", image, "cached-by-tag"));
        assertEquals(pushed, skopeoPull(host(mirror) + "/" + prefix + "/library/app@" + pushed, image, "cached-by-digest"));
    }

    @Test
    void skopeoIsDeniedAPushToACachedNameAndTheCacheKeepsTheUpstreamsImage() throws IOException {
        TinyOciImage image = pushTinyImage(registry, "library/app:v1", "skopeo");
        TestRegistry mirror = startMirror(new WharfConfig.Proxy(registry.baseUrl(), "", List.of(), "1h"));
        String cachedName = "127.0.0.1-" + registry.port() + "/library/app";
        assertEquals(image.manifestDigest(), skopeoPull(host(mirror) + "/" + cachedName + ":v1", image, "before"));
        TinyOciImage other = TinyOciImage.write(clients.work("image-other"), "v1", "other");

        ExternalClient.Result push = clients.skopeo().attempt("copy", "--dest-tls-verify=false", other.reference(),
                "docker://" + host(mirror) + "/" + cachedName + ":v1");

        assertNotEquals(0, push.exitCode(), push.describe());
        assertTrue(push.output().contains("denied: " + cachedName + " is a pull-through cache"), push.describe());
        assertEquals(image.manifestDigest(), skopeoPull(host(mirror) + "/" + cachedName + ":v1", image, "after"));
        assertEquals(List.of(cachedName), catalog(mirror));
    }

    @Test
    void podmanPullsThroughTheRegistryMirrorOfItsRegistriesConfWhenTheRegistryItselfIsDown() throws IOException {
        String pushed = pushTinyImage(registry, "library/app:v1", "podman").manifestDigest();
        TestRegistry mirror = startMirror(new WharfConfig.Proxy(registry.baseUrl(), "", List.of(), "1h"));
        int down = closedPort();
        Path conf = Files.writeString(clients.work("mirror-registries.conf"), """
                unqualified-search-registries = []
                short-name-mode = "disabled"

                [[registry]]
                location = "127.0.0.1:%d"
                insecure = true

                [[registry.mirror]]
                location = "%s"
                insecure = true
                """.formatted(down, host(mirror)));
        ExternalClient podman = clients.podman().withEnvironment(Map.of("CONTAINERS_REGISTRIES_CONF", conf.toString()));
        String reference = "127.0.0.1:" + down + "/library/app:v1";
        assertNothingListens(down);

        podman.run("pull", reference);

        assertEquals(pushed, podman.run("image", "inspect", "--format", "{{.Digest}}", reference).stdout().strip());
        assertEquals(List.of("127.0.0.1-" + registry.port() + "/library/app"), catalog(mirror));
    }

    @Test
    void containerdPullsThroughTheHostsTomlMirrorWhichRoutesItsNsToTheUpstreamOfThatName() throws IOException {
        String pushed = pushTinyImage(registry, "library/app:v1", "containerd").manifestDigest();
        int alias = closedPort();
        String aliasHost = "127.0.0.1:" + alias;
        // Only ns routes here: the mirror has no default upstream, and its one upstream is named after the alias.
        TestRegistry mirror = startMirror(new WharfConfig.Proxy("", "", List.of(
                WharfConfig.Upstream.at(aliasHost, registry.baseUrl(), false)), "1h"));
        ContainerdDaemon containerd = startContainerd();
        writeHosts(containerd, aliasHost, """
                server = "http://%s"

                [host."http://%s"]
                  capabilities = ["pull", "resolve"]
                """.formatted(aliasHost, host(mirror)));
        assertNothingListens(alias);

        containerd.ctr().run("images", "pull", "--hosts-dir", containerd.hostsDir().toString(), "--plain-http",
                "--snapshotter", "native", aliasHost + "/library/app:v1");

        assertEquals(pushed, containerd.digestOf(aliasHost + "/library/app:v1"));
        assertEquals(List.of("127.0.0.1-" + alias + "/library/app"), catalog(mirror));
    }

    @Test
    void containerdPullsTwoRegistriesThroughOneDefaultHostsTomlMirrorRoutedByNs() throws IOException {
        TestRegistry second = started(TestRegistry.start());
        String x = pushTinyImage(registry, "x:1", "registry-a").manifestDigest();
        String y = pushTinyImage(second, "y:1", "registry-b").manifestDigest();
        TestRegistry mirror = startMirror(new WharfConfig.Proxy("", "", List.of(
                WharfConfig.Upstream.at("registry-a.test:5000", registry.baseUrl(), false),
                WharfConfig.Upstream.at("registry-b.test:5000", second.baseUrl(), false)), "1h"));
        ContainerdDaemon containerd = startContainerd();
        writeHosts(containerd, "_default", """
                [host."http://%s"]
                  capabilities = ["pull", "resolve"]
                """.formatted(host(mirror)));
        // .test never resolves (RFC 6761): the registries themselves cannot be reached, only the mirror host can.
        assertThrows(UnknownHostException.class, () -> InetAddress.getByName("registry-a.test"));
        assertThrows(UnknownHostException.class, () -> InetAddress.getByName("registry-b.test"));

        for (String reference : List.of("registry-a.test:5000/x:1", "registry-b.test:5000/y:1")) {
            containerd.ctr().run("images", "pull", "--hosts-dir", containerd.hostsDir().toString(),
                    "--snapshotter", "native", reference);
        }

        assertEquals(x, containerd.digestOf("registry-a.test:5000/x:1"));
        assertEquals(y, containerd.digestOf("registry-b.test:5000/y:1"));
        assertEquals(List.of("registry-a.test-5000/x", "registry-b.test-5000/y"), catalog(mirror));
    }

    /** Pushes a {@link TinyOciImage} labelled {@code label} to {@code reference} in {@code target} with skopeo. */
    private TinyOciImage pushTinyImage(TestRegistry target, String reference, String label) throws IOException {
        TinyOciImage image = TinyOciImage.write(clients.work("image-" + label), "v1", label);
        String pushed = pushReportingDigest(clients.skopeo(), List.of("copy", "--dest-tls-verify=false"), image.reference(),
                "docker://" + host(target) + "/" + reference);
        assertEquals(image.manifestDigest(), pushed);
        return image;
    }

    /**
     * {@code skopeo copy docker://<reference> oci:<dir>:pulled}; returns the manifest digest of the pulled layout,
     * whose layers must be those of {@code source} byte for byte.
     */
    private String skopeoPull(String reference, TinyOciImage source, String dir) {
        Path layoutDir = clients.work("pulled-" + dir);
        clients.skopeo().run("copy", "--src-tls-verify=false", "docker://" + reference, "oci:" + layoutDir + ":pulled");
        OciLayout pulled = new OciLayout(layoutDir);
        String digest = pulled.digestOf("pulled");
        OciLayout pushed = new OciLayout(source.dir());
        for (String blob : pulled.layers(digest)) {
            assertArrayEquals(pushed.blob(blob), pulled.blob(blob), blob);
        }
        return digest;
    }

    private TestRegistry startMirror(WharfConfig.Proxy proxy) {
        return started(TestRegistry.start(c -> c.withProxy(proxy)));
    }

    private ContainerdDaemon startContainerd() {
        return started(ContainerdDaemon.start(clients.work("containerd")));
    }

    private <T extends AutoCloseable> T started(T server) {
        started.add(server);
        return server;
    }

    /** The repositories the mirror lists in {@code /v2/_catalog}. */
    private static List<String> catalog(TestRegistry mirror) {
        return mirror.given().get("/v2/_catalog").then().statusCode(200).extract().jsonPath().getList("repositories", String.class);
    }

    private static void writeHosts(ContainerdDaemon containerd, String registry, String toml) {
        try {
            Files.writeString(Files.createDirectories(containerd.hostsDir().resolve(registry)).resolve("hosts.toml"), toml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String host(TestRegistry registry) {
        return "127.0.0.1:" + registry.port();
    }

    /** A loopback port that was free a moment ago, and on which nothing listens now. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void assertNothingListens(int port) {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(address, 2_000);
            }
        }, "something listens on " + address);
    }
}
