package dev.wharf.interop;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pushing an image the registry already holds sends no blob and changes nothing. */
class RepushIsNoOpTest extends InteropTest {

    @Test
    void secondPushOfTheSameImageSkipsEveryLayerAndKeepsTheDigest() {
        // From an OCI layout, whose layers are already compressed, skopeo names each skipped layer by the
        // digest the manifest gives it.
        images.build("app", 2);
        clients.skopeo().run("copy", clients.local("app"), "oci:source:v1");
        String first = skopeoPush("oci:source:v1", "shop/app:v1");
        List<String> layers = layerDigests("shop/app:v1");
        long blobFilesBefore = stored.blobFileCount();

        String log = clients.skopeo().run("--debug", "copy", "--dest-tls-verify=false", "--digestfile", "second.digest",
                "oci:source:v1", clients.remote("shop/app:v1")).stderr();

        assertEquals(first, ContainerClients.readDigestFile(clients.work("second.digest")));
        assertEquals(first, stored.manifestDigest("shop/app", "v1"));
        assertEquals(blobFilesBefore, stored.blobFileCount(), "no new blob file under blobs/");
        for (String layer : layers) {
            assertTrue(log.contains("Skipping blob " + layer + " (already present)"),
                    "skopeo reports layer " + layer + " as already present:\n" + log);
        }
    }
}
