package dev.wharf.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Builds tiny images in the sandbox's storage with buildah, offline: {@code from scratch}, then one
 * {@code copy} + {@code commit} per layer, so an image of n layers has n distinct few-KiB layers.
 */
final class LocalImages {
    private static final int LAYER_FILE_BYTES = 3 * 1024;

    private final ContainerClients clients;

    LocalImages(ContainerClients clients) {
        this.clients = clients;
    }

    /** Builds {@code localhost/<name>:latest} with {@code layers} layers, whose files depend on the name only. */
    void build(String name, int layers) {
        String base = "scratch";
        for (int layer = 1; layer <= layers; layer++) {
            Path file = writeLayerFile(name, layer);
            String container = clients.buildah().run("from", base).stdout().strip();
            clients.buildah().run("copy", container, file.toString(), "/" + file.getFileName());
            if (layer == layers) {
                clients.buildah().run("config", "--label", "dev.wharf.test=" + name, "--entrypoint", "[\"/bin/none\"]",
                        container);
            }
            clients.buildah().run("commit", "--quiet", container, name);
            clients.buildah().run("rm", container);
            base = "localhost/" + name;
        }
    }

    private Path writeLayerFile(String image, int layer) {
        try {
            Path dir = Files.createDirectories(clients.work("context-" + image));
            byte[] content = new byte[LAYER_FILE_BYTES];
            new Random((image + layer).hashCode()).nextBytes(content);
            byte[] header = (image + " layer " + layer + "\n").getBytes(StandardCharsets.UTF_8);
            System.arraycopy(header, 0, content, 0, header.length);
            return Files.write(dir.resolve("layer-" + layer + ".bin"), content);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
