package dev.wharf.interop;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** An OCI image layout written by umoci, not by containers/image, goes into Wharf and back unchanged. */
class UmociLayoutPushTest extends InteropTest {

    @Test
    void umociLayoutCopiesInUnchangedAndUnpacksAfterThePullBack() throws IOException {
        Path file = Files.writeString(clients.work("motd"), "made by umoci\n");
        clients.umoci().run("init", "--layout", "made");
        clients.umoci().run("new", "--image", "made:v1");
        clients.umoci().run("insert", "--image", "made:v1", file.toString(), "/etc/motd");
        clients.umoci().run("insert", "--image", "made:v1", file.toString(), "/srv/motd");
        OciLayout made = new OciLayout(clients.work("made"));
        String digest = made.digestOf("v1");
        List<String> layers = made.layers(digest);
        assertEquals(2, layers.size());

        clients.skopeo().run("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:made:v1",
                clients.remote("shop/made:v1"));

        assertEquals(digest, stored.manifestDigest("shop/made", "v1"));
        for (String layer : layers) {
            assertArrayEquals(made.blob(layer), stored.blobFile(layer), "stored layer " + layer);
        }
        clients.skopeo().run("copy", "--src-tls-verify=false", clients.remote("shop/made:v1"), "oci:back:v1");
        assertEquals(digest, new OciLayout(clients.work("back")).digestOf("v1"));
        clients.umoci().run("unpack", "--image", "back:v1", "bundle");
        assertEquals("made by umoci\n", Files.readString(clients.work("bundle/rootfs/srv/motd")));
    }
}
