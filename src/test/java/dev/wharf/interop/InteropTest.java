package dev.wharf.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.testing.Blobs;
import dev.wharf.testing.ExternalClient;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Each test gets its own Wharf (free loopback port, temp storage root) and its own client sandbox, both gone
 * after it.
 */
@Tag("interop")
abstract class InteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    protected TestRegistry registry;
    protected ContainerClients clients;
    protected StoredContent stored;
    protected LocalImages images;
    private int pushes;

    @BeforeEach
    void startRegistryAndSandbox() {
        registry = TestRegistry.start();
        clients = new ContainerClients(registry);
        stored = new StoredContent(registry);
        images = new LocalImages(clients);
    }

    @AfterEach
    void stopRegistryAndSandbox() {
        if (clients != null) {
            clients.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** The manifest bytes exactly as {@code skopeo inspect --raw} received them. */
    String inspectRaw(String reference) {
        return clients.skopeo().run("inspect", "--raw", "--tls-verify=false", clients.remote(reference)).stdout();
    }

    /** The layer digests of the image manifest Wharf serves for {@code reference}. */
    List<String> layerDigests(String reference) {
        return json(inspectRaw(reference)).path("layers").findValuesAsText("digest");
    }

    /** The strings of a JSON array, in order. */
    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    static long occurrences(String needle, String text) {
        long found = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            found++;
        }
        return found;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static String sha256(String content) {
        return sha256(content.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] content) {
        return Blobs.sha256(content);
    }

    /**
     * Runs {@code client command... --digestfile <file> source destination} and returns the manifest digest the
     * client wrote to that file.
     */
    String pushReportingDigest(ExternalClient client, List<String> command, String source, String destination) {
        Path file = clients.work("push-" + (++pushes) + ".digest");
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of("--digestfile", file.toString(), source, destination));
        client.run(args.toArray(String[]::new));
        return ContainerClients.readDigestFile(file);
    }

    /** {@code skopeo copy [options] source docker://<wharf>/reference}; returns the pushed manifest digest. */
    String skopeoPush(String source, String reference, String... options) {
        List<String> command = new ArrayList<>(List.of("copy", "--dest-tls-verify=false"));
        command.addAll(List.of(options));
        return pushReportingDigest(clients.skopeo(), command, source, clients.remote(reference));
    }
}
