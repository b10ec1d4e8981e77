package dev.wharf.interop;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Copying an image to another repository of the same registry links the stored blobs instead of re-sending them. */
class CrossRepositoryMountTest extends InteropTest {
    @Test
    void copyBetweenRepositoriesMountsTheLayersAndWritesNoNewBlobFile() {
        images.build("app", 2);
        String pushed = skopeoPush(clients.local("app"), "shop/app:v1");
        List<String> layers = layerDigests("shop/app:v1");
        long blobFilesBefore = stored.blobFileCount();

        // --debug is the only place skopeo says whether a blob was mounted, uploaded or skipped.
        String log = clients.skopeo().run("--debug", "copy", "--src-tls-verify=false", "--dest-tls-verify=false",
                clients.remote("shop/app:v1"), clients.remote("team/app:v1")).stderr();

        assertEquals(blobFilesBefore, stored.blobFileCount(), "no new blob file under blobs/");
        assertEquals(layers.size(), occurrences("mount OK", log), "each layer is mounted:\n" + log);
        for (String layer : layers) {
            registry.given().head("/v2/team/app/blobs/" + layer).then().statusCode(200);
        }
        assertEquals(pushed, stored.manifestDigest("team/app", "v1"));
    }
}
