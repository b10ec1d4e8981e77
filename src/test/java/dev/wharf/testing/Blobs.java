package dev.wharf.testing;

import dev.wharf.oci.Digest;
import dev.wharf.storage.fs.StorageLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static org.hamcrest.Matchers.equalTo;

/** Blob fixtures: content, digests, pushes, and where a pushed blob ends up on disk. */
public final class Blobs {
    private Blobs() {
    }

    /** {@code size} bytes that differ for every seed, so tests do not share content by accident. */
    public static byte[] content(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed * 31 + size).nextBytes(bytes);
        return bytes;
    }

    public static String sha256(byte[] content) {
        return Digest.sha256(content).toString();
    }

    public static String sha512(byte[] content) {
        return Digest.of(Digest.Algorithm.SHA512, Digest.Algorithm.SHA512.newHasher().digest(content)).toString();
    }

    /** Pushes {@code content} in one monolithic POST and returns its digest. */
    public static String push(TestRegistry registry, String repository, byte[] content) {
        String digest = sha256(content);
        registry.given().body(content).contentType("application/octet-stream")
                .post("/v2/" + repository + "/blobs/uploads/?digest=" + digest)
                .then().statusCode(201).header("Docker-Content-Digest", equalTo(digest));
        return digest;
    }

    /** Opens an upload session and returns its location (a path). */
    public static String startUpload(TestRegistry registry, String repository) {
        return registry.given().post("/v2/" + repository + "/blobs/uploads/")
                .then().statusCode(202).extract().header("Location");
    }

    /** The content file of {@code digest} under the registry's storage root (which may not exist). */
    public static Path file(TestRegistry registry, String digest) {
        return layout(registry).blobData(Digest.parse(digest));
    }

    /** The link file that says {@code repository} holds {@code digest}. */
    public static Path link(TestRegistry registry, String repository, String digest) {
        return layout(registry).layerLink(dev.wharf.oci.RepositoryName.parse(repository), Digest.parse(digest));
    }

    /** How many content files the blob store holds. */
    public static long storedCount(TestRegistry registry) {
        Path blobs = layout(registry).blobsDir();
        if (!Files.isDirectory(blobs)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(blobs)) {
            return files.filter(p -> p.getFileName().toString().equals("data") && Files.isRegularFile(p)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static StorageLayout layout(TestRegistry registry) {
        return new StorageLayout(registry.root());
    }
}
