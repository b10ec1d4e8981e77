package dev.wharf.storage.fs;

import dev.wharf.WharfServer;
import dev.wharf.cli.WharfCommand;
import dev.wharf.config.ConfigLoader;
import dev.wharf.config.WharfConfig;
import dev.wharf.storage.Storage;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The root's {@code layout.version}: written on a new root, adopted on an old one, and a newer one refused. */
class LayoutVersionTest {
    @TempDir
    Path root;

    private WharfConfig config() {
        return ConfigLoader.defaultsOnly().withStorageRoot(root.toString()).withPort(0);
    }

    private Path versionFile() {
        return new StorageLayout(root).versionFile();
    }

    @Test
    void aNewRootIsStampedWithTheCurrentLayout() throws IOException {
        try (Storage ignored = new Storage(config().storage())) {
            assertEquals(String.valueOf(LayoutVersion.CURRENT), Files.readString(versionFile()).trim());
        }
    }

    @Test
    void aRootFromBeforeTheVersionFileIsAdoptedAsLayoutOne() throws IOException {
        Files.createDirectories(root.resolve("repositories/team/app/_manifests/tags"));
        Files.createDirectories(root.resolve("blobs/sha256"));
        try (Storage storage = new Storage(config().storage())) {
            assertEquals("1", Files.readString(versionFile()).trim());
            assertTrue(storage.repositories().exists(dev.wharf.oci.RepositoryName.parse("team/app")));
        }
    }

    @Test
    void aRootWrittenByANewerLayoutIsRefusedWithAClearMessageAndLeftAsItWas() throws IOException {
        Files.writeString(versionFile(), (LayoutVersion.CURRENT + 1) + "\n", StandardCharsets.UTF_8);

        LayoutVersion.IncompatibleLayoutException e = assertThrows(LayoutVersion.IncompatibleLayoutException.class,
                () -> new WharfServer(config()));

        assertTrue(e.getMessage().contains("written by a newer Wharf"), e.getMessage());
        assertTrue(e.getMessage().contains(root.toAbsolutePath().normalize().toString()), e.getMessage());
        assertEquals(String.valueOf(LayoutVersion.CURRENT + 1), Files.readString(versionFile()).trim());
        assertFalse(Files.exists(root.resolve("tmp")), "nothing is written to a root this version cannot read");
        assertFalse(isLocked(), "the lock is given back");
    }

    @Test
    void theMaintenanceCommandsRefuseANewerRootWithExitCodeTwo() throws IOException {
        Files.writeString(versionFile(), (LayoutVersion.CURRENT + 1) + "\n", StandardCharsets.UTF_8);
        Path configFile = Files.writeString(root.resolveSibling(root.getFileName() + ".yaml"), "storage:\n  root: " + root + "\n");
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new WharfCommand());
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));

        int code = cli.execute("du", "--config=" + configFile);

        assertEquals(2, code);
        assertTrue(err.toString().contains("wharf du: the storage root"), err.toString());
        assertTrue(err.toString().contains("newer Wharf"), err.toString());
        Files.delete(configFile);
    }

    @Test
    void aVersionFileThatIsNoNumberIsRefused() throws IOException {
        Files.writeString(versionFile(), "banana\n", StandardCharsets.UTF_8);
        LayoutVersion.IncompatibleLayoutException e = assertThrows(LayoutVersion.IncompatibleLayoutException.class,
                () -> new Storage(config().storage()));
        assertTrue(e.getMessage().contains("unreadable"), e.getMessage());
    }

    /** Whether another owner still holds the root: a new lock cannot be taken then. */
    private boolean isLocked() {
        try (StorageLock ignored = StorageLock.acquire(new StorageLayout(root), "test")) {
            return false;
        } catch (StorageLockedException e) {
            return true;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
