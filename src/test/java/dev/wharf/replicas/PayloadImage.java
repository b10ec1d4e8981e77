package dev.wharf.replicas;

import dev.wharf.testing.Blobs;
import dev.wharf.testing.ExternalClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * A one-layer image made offline whose layer holds one file of random bytes, {@code payload.bin}: as a tar (for
 * {@code docker import}) and as an OCI image layout (for skopeo, podman and {@code ctr images import}). The file's
 * bytes are what a pulled image is checked against.
 */
record PayloadImage(Path dir, byte[] payload, Path layerTar, String layerDigest, String manifestDigest, String configDigest) {
    static final String FILE = "payload.bin";

    /**
     * Writes the image under {@code dir}: the layout in {@code dir/layout} tagged {@code tag}, and named
     * {@code containerdName} for {@code ctr images import} when that is not null.
     */
    static PayloadImage write(Path dir, String tag, String containerdName, long seed, int size) {
        try {
            byte[] payload = new byte[size];
            new Random(seed).nextBytes(payload);
            Path context = Files.createDirectories(dir.resolve("context"));
            Files.write(context.resolve(FILE), payload);
            Path tar = dir.resolve("layer.tar");
            ExternalClient.require("tar").run("--owner=0", "--group=0", "--numeric-owner", "-C", context.toString(),
                    "-cf", tar.toString(), FILE);
            byte[] tarBytes = Files.readAllBytes(tar);
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(tarBytes);
            }
            byte[] layer = gz.toByteArray();
            byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/payload.bin\"],"
                    + "\"Labels\":{\"seed\":\"" + seed + "\"}},"
                    + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Blobs.sha256(tarBytes) + "\"]}}")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"config\":" + descriptor("application/vnd.oci.image.config.v1+json", config) + ","
                    + "\"layers\":[" + descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer) + "]}")
                    .getBytes(StandardCharsets.UTF_8);
            Path layout = dir.resolve("layout");
            Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
            for (byte[] blob : new byte[][] {layer, config, manifest}) {
                Files.write(blobs.resolve(Blobs.sha256(blob).substring("sha256:".length())), blob);
            }
            String annotations = "\"org.opencontainers.image.ref.name\":\"" + tag + "\""
                    + (containerdName == null ? "" : ",\"io.containerd.image.name\":\"" + containerdName + "\"");
            String entry = "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                    + Blobs.sha256(manifest) + "\",\"size\":" + manifest.length
                    + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},\"annotations\":{" + annotations + "}}";
            Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + entry + "]}");
            return new PayloadImage(dir, payload, tar, Blobs.sha256(layer), Blobs.sha256(manifest), Blobs.sha256(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path layout() {
        return dir.resolve("layout");
    }

    /** skopeo's and podman's name for the layout's image. */
    String ociReference(String tag) {
        return "oci:" + layout() + ":" + tag;
    }

    /** The layout as one tar archive, as {@code ctr images import} takes it. */
    Path layoutArchive() {
        Path archive = dir.resolve("layout.tar");
        if (!Files.exists(archive)) {
            ExternalClient.require("tar").run("-C", layout().toString(), "-cf", archive.toString(), ".");
        }
        return archive;
    }

    private static String descriptor(String mediaType, byte[] content) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + Blobs.sha256(content) + "\",\"size\":" + content.length + "}";
    }
}
