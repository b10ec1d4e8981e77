package dev.wharf.interop;

import dev.wharf.oci.Digest;
import dev.wharf.testing.TestRegistry;
import io.restassured.response.Response;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;

/** What Wharf itself holds, seen without the clients: its answers over HTTP and what its store holds. */
final class StoredContent {
    /** Every manifest type the clients push, so that HEAD never negotiates a conversion. */
    private static final String ACCEPT_ANY_MANIFEST = String.join(", ",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");

    private final TestRegistry registry;

    StoredContent(TestRegistry registry) {
        this.registry = registry;
    }

    /** Wharf's answer to {@code HEAD /v2/<repository>/manifests/<reference>}. */
    Response headManifest(String repository, String reference) {
        return registry.given().header("Accept", ACCEPT_ANY_MANIFEST)
                .head("/v2/" + repository + "/manifests/" + reference);
    }

    /** The {@code Docker-Content-Digest} Wharf reports for a manifest; fails unless it answers 200. */
    String manifestDigest(String repository, String reference) {
        Response response = headManifest(repository, reference);
        if (response.statusCode() != 200) {
            throw new AssertionError("HEAD manifest " + repository + ":" + reference + " answered "
                    + response.statusCode());
        }
        return response.header("Docker-Content-Digest");
    }

    /** How many blobs the store holds (each content once): files under the root, or objects in the bucket. */
    long blobFileCount() {
        try {
            return registry.server().storage().blobs().list().size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes Wharf stored for {@code digest}, read from the store itself rather than through the API. */
    byte[] blobFile(String digest) {
        try (InputStream in = registry.server().storage().blobs().openStream(Digest.parse(digest))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
