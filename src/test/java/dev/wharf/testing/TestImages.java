package dev.wharf.testing;

import dev.wharf.oci.Digest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Pushes blobs, image manifests, indexes and referrers to a registry the way a client does, for tests that
 * need real content in the store. Each push fails the test unless the registry answers 201.
 */
public final class TestImages {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final String CONFIG = "application/vnd.oci.image.config.v1+json";

    /** A pushed image: its manifest and the blobs it references. */
    public record Image(String repository, Digest manifest, Digest config, List<Digest> layers, byte[] manifestBytes) {
        /** The config and the layers. */
        public List<Digest> blobs() {
            List<Digest> all = new ArrayList<>(layers);
            all.add(0, config);
            return all;
        }
    }

    private final Supplier<RequestSpecification> given;
    private final Random random;

    public TestImages(Supplier<RequestSpecification> given, long seed) {
        this.given = given;
        this.random = new Random(seed);
    }

    public TestImages(TestRegistry registry) {
        this(registry::given, 42);
    }

    public byte[] randomBytes(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    /** A monolithic upload ({@code POST ...?digest=}); returns the response, whatever its status. */
    public Response tryPushBlob(String repository, byte[] content) {
        return given.get().contentType("application/octet-stream").body(content)
                .post("/v2/" + repository + "/blobs/uploads/?digest=" + Digest.sha256(content));
    }

    public Digest pushBlob(String repository, byte[] content) {
        tryPushBlob(repository, content).then().statusCode(201);
        return Digest.sha256(content);
    }

    /** Pushes the manifest under {@code reference} (a tag or its digest); returns the response. */
    public Response tryPushManifest(String repository, String reference, String mediaType, byte[] manifest) {
        return given.get().contentType(mediaType).body(manifest).put("/v2/" + repository + "/manifests/" + reference);
    }

    /** Pushes each layer and a fresh config, then the manifest under {@code tag} (or by digest when null). */
    public Image pushImage(String repository, String tag, byte[]... layers) {
        return pushImage(repository, tag, null, layers);
    }

    /** As {@link #pushImage(String, String, byte[]...)}, with a {@code subject} (a referrer) when given. */
    public Image pushImage(String repository, String tag, Digest subject, byte[]... layers) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"nonce\":" + random.nextLong() + "}")
                .getBytes(StandardCharsets.UTF_8);
        Digest configDigest = pushBlob(repository, config);
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",")
                .append("\"config\":").append(descriptor(CONFIG, configDigest, config.length)).append(",\"layers\":[");
        List<Digest> layerDigests = new ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            Digest d = pushBlob(repository, layers[i]);
            layerDigests.add(d);
            json.append(i > 0 ? "," : "").append(descriptor(LAYER, d, layers[i].length));
        }
        json.append("]");
        if (subject != null) {
            json.append(",\"artifactType\":\"application/vnd.example.signature\",\"subject\":")
                    .append(descriptor(OCI_MANIFEST, subject, 1));
        }
        byte[] manifest = json.append("}").toString().getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256(manifest);
        tryPushManifest(repository, tag != null ? tag : digest.toString(), OCI_MANIFEST, manifest).then().statusCode(201);
        return new Image(repository, digest, configDigest, layerDigests, manifest);
    }

    /** Pushes an index of {@code children} (already in the repository) under {@code tag}; returns its digest. */
    public Digest pushIndex(String repository, String tag, Image... children) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":[");
        for (int i = 0; i < children.length; i++) {
            json.append(i > 0 ? "," : "").append(descriptor(OCI_MANIFEST, children[i].manifest(), children[i].manifestBytes().length));
        }
        byte[] index = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        tryPushManifest(repository, tag, OCI_INDEX, index).then().statusCode(201);
        return Digest.sha256(index);
    }

    private static String descriptor(String mediaType, Digest digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }
}
