package dev.wharf.interop;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** skopeo pushes a three-layer image and pulls it back: the same bytes all the way through. */
class MultiLayerPushPullTest extends InteropTest {

    @Test
    void pushedImagePullsBackWithTheSameManifestDigestAndIdenticalLayers() {
        images.build("app", 3);
        clients.skopeo().run("copy", clients.local("app"), "oci:source:v1");
        OciLayout source = new OciLayout(clients.work("source"));
        String built = source.digestOf("v1");

        String pushed = skopeoPush("oci:source:v1", "shop/app:v1");
        assertEquals(built, pushed, "an OCI manifest needs no conversion, so its digest survives the push");
        assertEquals(pushed, stored.manifestDigest("shop/app", "v1"), "Docker-Content-Digest of the tag");

        clients.skopeo().run("copy", "--src-tls-verify=false", clients.remote("shop/app:v1"), "oci:pulled:v1");
        OciLayout pulled = new OciLayout(clients.work("pulled"));
        assertEquals(pushed, pulled.digestOf("v1"));
        assertArrayEquals(source.blob(built), pulled.blob(pushed), "manifest bytes");

        List<String> layers = source.layers(built);
        assertEquals(3, layers.size());
        assertEquals(layers, pulled.layers(pushed));
        for (String layer : layers) {
            assertArrayEquals(source.blob(layer), stored.blobFile(layer), "stored layer " + layer);
            assertArrayEquals(source.blob(layer), pulled.blob(layer), "pulled layer " + layer);
            assertEquals(layer, sha256(pulled.blob(layer)));
        }
    }
}
