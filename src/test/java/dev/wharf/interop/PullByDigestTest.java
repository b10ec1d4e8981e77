package dev.wharf.interop;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A manifest is addressable by its digest ({@code repo@sha256:...}) as well as by its tag. */
class PullByDigestTest extends InteropTest {
    private String pushed;

    @BeforeEach
    void pushImage() {
        images.build("app", 2);
        pushed = skopeoPush(clients.local("app"), "shop/app:v1");
    }

    @Test
    void skopeoCopiesAnImageByItsDigest() {
        clients.skopeo().run("copy", "--src-tls-verify=false", clients.remote("shop/app@" + pushed),
                "oci:by-digest:pulled");

        assertEquals(pushed, new OciLayout(clients.work("by-digest")).digestOf("pulled"));
        assertEquals(pushed, stored.manifestDigest("shop/app", pushed));
    }

    @Test
    void podmanPullsAnImageByItsDigest() {
        String reference = clients.registryHost() + "/shop/app@" + pushed;
        clients.podman().run("rmi", "--all", "--force");

        clients.podman().run("pull", "--tls-verify=false", reference);

        assertEquals(pushed, clients.podman().run("image", "inspect", "--format", "{{.Digest}}", reference)
                .stdout().strip());
    }
}
