package dev.wharf.replicas;

import dev.wharf.oci.Digest;
import dev.wharf.testing.TestImages;
import io.restassured.response.Response;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Checks, on each replica directly, that an image is there whole: its manifest and every blob it references. */
final class Verify {
    private static final String ACCEPT = String.join(",", TestImages.OCI_MANIFEST, TestImages.OCI_INDEX,
            "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json");

    private Verify() {
    }

    /** The manifest {@code digest} of {@code repository} and every blob it names, read back from replica {@code i}. */
    static void imageOnReplica(Replicas replicas, int i, String repository, String digest, String when) {
        Response manifest = replicas.given(i).accept(ACCEPT).get("/v2/" + repository + "/manifests/" + digest);
        assertEquals(200, manifest.statusCode(), when + ": replica " + i + " serves manifest " + repository + "@" + digest
                + ": " + manifest.asString());
        assertEquals(digest, Digest.sha256(manifest.asByteArray()).toString(), when + ": replica " + i + " manifest bytes");
        List<String> blobs = new ArrayList<>();
        List<String> layers = manifest.jsonPath().getList("layers.digest", String.class);
        if (layers != null) {
            blobs.addAll(layers);
        }
        String config = manifest.jsonPath().getString("config.digest");
        if (config != null) {
            blobs.add(config);
        }
        for (String blob : blobs) {
            Response r = replicas.given(i).get("/v2/" + repository + "/blobs/" + blob);
            assertEquals(200, r.statusCode(), when + ": replica " + i + " serves blob " + blob + " of " + repository + "@" + digest);
            assertEquals(blob, Digest.sha256(r.asByteArray()).toString(), when + ": replica " + i + " content of " + blob);
        }
    }

    /** As {@link #imageOnReplica} on every replica that is alive. */
    static void imageOnAllLive(Replicas replicas, String repository, String digest, String when) {
        for (int i = 0; i < replicas.count(); i++) {
            if (replicas.alive(i)) {
                imageOnReplica(replicas, i, repository, digest, when);
            }
        }
    }
}
