package dev.wharf.bench;

import dev.wharf.testing.Blobs;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** A minimal OCI image (config blob, one small layer, image manifest) to push and then read manifests and lists of. */
record SampleImage(byte[] config, byte[] layer, byte[] manifest) {

    static SampleImage create() {
        byte[] layer = new byte[4096];
        new SplittableRandom(42).nextBytes(layer);
        String layerDigest = Blobs.sha256(layer);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + layerDigest + "\"]}}").getBytes(StandardCharsets.UTF_8);
        String manifest = """
                {"schemaVersion":2,"mediaType":"%s",\
                "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},\
                "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}]}"""
                .formatted(RegistryClient.OCI_MANIFEST, Blobs.sha256(config), config.length, layerDigest, layer.length);
        return new SampleImage(config, layer, manifest.getBytes(StandardCharsets.UTF_8));
    }

    String digest() {
        return Blobs.sha256(manifest);
    }

    /**
     * The manifest with one annotation carrying {@code serial}: another image manifest of the same blobs, with
     * its own digest, for each serial.
     */
    byte[] variant(long serial) {
        String json = new String(manifest, StandardCharsets.UTF_8);
        return (json.substring(0, json.length() - 1) + ",\"annotations\":{\"dev.wharf.bench.serial\":\"" + serial + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Pushes the blobs and the manifest under {@code tag}. */
    Future<Void> push(RegistryClient client, String repository, String tag) {
        return pushBlobs(client, repository).compose(v -> client.putManifest(repository, tag, manifest));
    }

    /** Pushes the config and the layer only. */
    Future<Void> pushBlobs(RegistryClient client, String repository) {
        return client.pushBytes(repository, config).compose(v -> client.pushBytes(repository, layer));
    }

    /** Makes {@code repository} hold the image by mounting its blobs from {@code from}, then puts the manifest. */
    Future<Void> mountAndTag(RegistryClient client, String repository, String from, String tag) {
        return client.mount(repository, Blobs.sha256(config), from)
                .compose(v -> client.mount(repository, Blobs.sha256(layer), from))
                .compose(v -> client.putManifest(repository, tag, manifest));
    }
}
