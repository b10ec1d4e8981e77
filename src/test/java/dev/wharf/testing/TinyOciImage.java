package dev.wharf.testing;

import org.apache.commons.codec.digest.DigestUtils;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * A one-layer image written as an OCI image layout, for outside clients to copy from without any network
 * ({@code skopeo copy oci:<dir>:<tag> docker://...}). The layer is an empty tar archive; {@code label}
 * goes into the config, so that two images of one test differ.
 */
public record TinyOciImage(Path dir, String tag, String manifestDigest) {

    public static TinyOciImage write(Path dir, String tag, String label) throws IOException {
        Path blobs = Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
        byte[] tar = new byte[1024]; // two zero blocks: the end-of-archive marker of an empty tar
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(tar);
        }
        byte[] layer = gz.toByteArray();
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"test\":\"" + label + "\"}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + DigestUtils.sha256Hex(tar) + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":" + descriptor("application/vnd.oci.image.config.v1+json", config) + ","
                + "\"layers\":[" + descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer) + "]}")
                .getBytes(StandardCharsets.UTF_8);
        for (byte[] blob : new byte[][] {layer, config, manifest}) {
            Files.write(blobs.resolve(DigestUtils.sha256Hex(blob)), blob);
        }
        String manifestDescriptor = descriptor("application/vnd.oci.image.manifest.v1+json", manifest);
        String indexEntry = manifestDescriptor.substring(0, manifestDescriptor.length() - 1)
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}";
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + indexEntry + "]}");
        return new TinyOciImage(dir, tag, Blobs.sha256(manifest));
    }

    /** The skopeo transport reference of this image. */
    public String reference() {
        return "oci:" + dir + ":" + tag;
    }

    private static String descriptor(String mediaType, byte[] content) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + Blobs.sha256(content)
                + "\",\"size\":" + content.length + "}";
    }
}
