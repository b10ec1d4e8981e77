package dev.wharf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.WharfServer;
import dev.wharf.config.ConfigLoader;
import dev.wharf.oci.Digest;
import dev.wharf.storage.fs.StorageLockedException;
import dev.wharf.testing.TestImages;
import dev.wharf.testing.TestImages.Image;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gc}, {@code verify} and {@code du} run in-process over the storage root of a {@link TestRegistry}. */
class MaintenanceCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestRegistry registry;
    private TestImages images;
    private Path configFile;

    /** What one command run printed, and its exit code. */
    private record Run(int code, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    @BeforeEach
    void start() throws IOException {
        registry = TestRegistry.start();
        images = new TestImages(registry);
        configFile = registry.root().resolve("cli.yaml");
        Files.writeString(configFile, "http:\n  port: 0\nstorage:\n  root: " + registry.root() + "\n  fsync: false\n");
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private Run wharf(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new WharfCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config=" + configFile);
        return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }

    @Test
    void gcRemovesUnreferencedBlobsAndReportsThemAsJson() throws IOException {
        Image image = images.pushImage("cli/app", "v1", images.randomBytes(500));
        Digest garbage = images.pushBlob("cli/app", images.randomBytes(700));
        registry.stopServer();

        Run run = wharf("gc", "--grace-period=0s", "--json");

        assertEquals(0, run.code(), run.err());
        JsonNode report = run.json();
        assertEquals(List.of(garbage.toString()), texts(report.get("blobsRemoved")));
        assertEquals(700, report.get("bytesFreed").asLong());
        assertFalse(Files.exists(registry.root().resolve("blobs/sha256/" + garbage.hex().substring(0, 2) + "/" + garbage.hex())));
        registry.boot();
        registry.given().get("/v2/cli/app/blobs/" + image.layers().get(0)).then().statusCode(200);
        registry.given().head("/v2/cli/app/blobs/" + garbage).then().statusCode(404);
    }

    @Test
    void gcDryRunListsWhatWouldGoInTextAndKeepsIt() {
        Digest garbage = images.pushBlob("cli/dry", images.randomBytes(300));
        registry.stopServer();

        Run run = wharf("gc", "--dry-run", "--grace-period=0s");

        assertEquals(0, run.code(), run.err());
        assertThat(run.out(), containsString("would remove blob " + garbage));
        assertThat(run.out(), containsString("gc (dry run): would remove 0 tag(s), 0 manifest(s), 1 blob(s), freeing 300 B"));
        assertTrue(Files.exists(blobPath(garbage)));
    }

    @Test
    void verifyFindsACorruptBlobQuarantinesItAndExitsOne() throws IOException {
        Image image = images.pushImage("cli/verify", "v1", images.randomBytes(400));
        Digest layer = image.layers().get(0);
        registry.stopServer();
        assertEquals(0, wharf("verify").code(), "an intact store verifies clean");
        Files.write(blobPath(layer), new byte[400]);

        Run run = wharf("verify", "--json");

        assertEquals(1, run.code(), run.err());
        JsonNode corrupt = run.json().get("corrupt");
        assertEquals(1, corrupt.size());
        assertEquals(layer.toString(), corrupt.get(0).get("digest").asText());
        assertTrue(Files.exists(Path.of(corrupt.get(0).get("quarantinedTo").asText())));
        assertFalse(Files.exists(blobPath(layer)));
        registry.boot();
        registry.given().get("/v2/cli/verify/blobs/" + layer).then().statusCode(404);
        registry.given().get("/v2/cli/verify/blobs/" + image.config()).then().statusCode(200);
    }

    @Test
    void duShowsLogicalAbovePhysicalWhenRepositoriesShareLayers() throws IOException {
        byte[] base = images.randomBytes(10_000);
        images.pushImage("cli/du-a", "v1", base);
        images.pushImage("cli/du-b", "v1", base, images.randomBytes(1000));

        Run run = wharf("du", "--json");

        assertEquals(0, run.code(), run.err());
        JsonNode usage = run.json();
        assertTrue(usage.get("logicalBytes").asLong() >= 21_000);
        assertTrue(usage.get("physicalBytes").asLong() < usage.get("logicalBytes").asLong());
        assertTrue(usage.get("dedupRatio").asDouble() > 1.5);
        assertEquals("cli/du-b", usage.get("topRepositories").get(0).get("name").asText());
        Run text = wharf("du");
        assertThat(text.out(), containsString("largest repositories (logical):"));
    }

    @Test
    void commandsThatChangeTheStoreRefuseWithExitTwoWhileAServerOwnsIt() {
        Run gc = wharf("gc");
        assertEquals(2, gc.code());
        assertThat(gc.err(), containsString("is in use (serve pid " + ProcessHandle.current().pid() + ")"));
        assertEquals(2, wharf("verify").code());

        assertEquals(0, wharf("gc", "--dry-run").code());
        assertEquals(0, wharf("verify", "--no-quarantine").code());
        assertEquals(0, wharf("du").code());
    }

    @Test
    void aSecondServerOnTheSameRootRefusesToStart() {
        assertThrows(StorageLockedException.class, () -> new WharfServer(
                ConfigLoader.defaultsOnly().withStorageRoot(registry.root().toString()).withPort(0)));
        assertEquals(2, wharf("serve").code());
        registry.given().get("/v2/").then().statusCode(200);
    }

    @Test
    void aMissingStorageRootIsRefusedRatherThanCreated() throws IOException {
        Path missing = registry.root().resolve("no-such-store");
        Files.writeString(configFile, "storage:\n  root: " + missing + "\n");

        Run run = wharf("du");

        assertEquals(2, run.code());
        assertThat(run.err(), containsString("no storage at " + missing));
        assertFalse(Files.exists(missing));
    }

    @Test
    void onlyServeKeepsTheProcessRunning() {
        assertTrue(WharfCommand.startedServer(parsed("--config", "x.yaml")));
        assertTrue(WharfCommand.startedServer(parsed("--config", "x.yaml", "serve")));
        assertFalse(WharfCommand.startedServer(parsed("gc", "--dry-run")));
        assertFalse(WharfCommand.startedServer(parsed("serve", "--help")));
        assertFalse(WharfCommand.startedServer(parsed("--version")));
    }

    private static CommandLine parsed(String... args) {
        CommandLine cli = new CommandLine(new WharfCommand());
        cli.parseArgs(args);
        return cli;
    }

    private Path blobPath(Digest digest) {
        return registry.root().resolve("blobs").resolve(digest.algorithm().prefix())
                .resolve(digest.hex().substring(0, 2)).resolve(digest.hex()).resolve("data");
    }
}
