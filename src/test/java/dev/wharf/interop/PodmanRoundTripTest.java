package dev.wharf.interop;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** podman, as root with vfs storage in the sandbox, pushes to Wharf and pulls back into emptied storage. */
class PodmanRoundTripTest extends InteropTest {

    @Test
    void podmanPushThenPullIntoEmptyStorageGivesBackTheSameImage() {
        images.build("app", 2);
        String reference = clients.registryHost() + "/shop/app:v1";
        String imageId = clients.podman().run("image", "inspect", "--format", "{{.Id}}", "localhost/app").stdout().strip();
        String pushed = pushReportingDigest(clients.podman(), List.of("push", "--tls-verify=false"), "localhost/app",
                reference);
        assertEquals(pushed, stored.manifestDigest("shop/app", "v1"));

        clients.podman().run("rmi", "--all", "--force");
        assertTrue(clients.podman().run("images", "--quiet").stdout().isBlank(), "storage is empty before the pull");
        clients.podman().run("pull", "--tls-verify=false", reference);

        assertEquals(imageId, clients.podman().run("image", "inspect", "--format", "{{.Id}}", reference).stdout().strip());
        assertEquals(pushed, clients.podman().run("image", "inspect", "--format", "{{.Digest}}", reference)
                .stdout().strip());
    }
}
