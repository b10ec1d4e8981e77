package dev.wharf.mirror;

import dev.wharf.config.WharfConfig;
import dev.wharf.oci.RepositoryName;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which upstream a name goes to, by {@code ns}, by path prefix and by default, and which names stay local. */
class MirrorRoutesTest {
    private static Vertx vertx;
    private static MirrorRoutes routes;

    @BeforeAll
    static void setUp() {
        vertx = Vertx.vertx();
        Upstream hub = new Upstream(vertx, Mirrors.upstream("docker.io", "https://registry-1.docker.io", true, "60s"));
        Upstream k8s = new Upstream(vertx, Mirrors.upstream("registry.k8s.io", "https://registry.k8s.io", false, "60s"));
        Upstream lab = new Upstream(vertx, WharfConfig.Upstream.at(null, "http://127.0.0.1:5057", false));
        Upstream ghcr = new Upstream(vertx, Mirrors.upstream("ghcr.io", "https://ghcr.io", false, "60s", "", List.of("acme/**")));
        Set<String> local = Set.of("mine/tool");
        routes = new MirrorRoutes(List.of(hub, k8s, lab, ghcr), name -> local.contains(name.value()));
    }

    @AfterAll
    static void tearDown() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static String route(String name, String ns, boolean write) {
        CacheTarget target = routes.route(RepositoryName.parse(name), ns, write);
        return target == null ? null : target.upstream().name() + " " + target.remoteName() + " as " + target.localName();
    }

    @Test
    void nsNamesTheUpstreamAndAnUnknownNsStaysLocal() {
        assertEquals("registry.k8s.io pause as registry.k8s.io/pause", route("pause", "registry.k8s.io", false));
        assertEquals("127.0.0.1:5057 app as 127.0.0.1-5057/app", route("app", "127.0.0.1:5057", false));
        assertNull(route("library/nginx", "quay.io", false), "never another upstream's content");
    }

    @Test
    void aPathPrefixNamesTheUpstreamAndItsRepositoryPatternsLimitIt() {
        assertEquals("docker.io library/nginx as docker.io/library/nginx", route("docker.io/library/nginx", null, false));
        assertEquals("ghcr.io acme/app as ghcr.io/acme/app", route("ghcr.io/acme/app", null, false));
        assertNull(route("ghcr.io/other/app", null, false), "outside the upstream's patterns: local only");
        assertNull(route("app", "ghcr.io", false));
    }

    @Test
    void theDefaultUpstreamTakesOtherNamesButNotLocalRepositoriesOrPushes() {
        assertEquals("docker.io library/nginx as docker.io/library/nginx", route("library/nginx", null, false));
        assertNull(route("mine/tool", null, false), "a local repository of that name is served locally");
        assertNull(route("mine/new", null, true), "a push to a name no upstream claims is a local push");
        assertEquals("docker.io library/x as docker.io/library/x", route("docker.io/library/x", null, true), "a prefix claims pushes");
    }

    @Test
    void twoDefaultsOrTwoUpstreamsOfOneNameAreRefused() {
        Upstream a = new Upstream(vertx, Mirrors.upstream("a.test", "http://127.0.0.1:1", true, "60s"));
        Upstream b = new Upstream(vertx, Mirrors.upstream("b.test", "http://127.0.0.1:2", true, "60s"));
        Upstream a2 = new Upstream(vertx, Mirrors.upstream("a.test", "http://127.0.0.1:3", false, "60s"));
        assertThrows(IllegalArgumentException.class, () -> new MirrorRoutes(List.of(a, b), n -> false));
        assertThrows(IllegalArgumentException.class, () -> new MirrorRoutes(List.of(a, a2), n -> false));
    }
}
