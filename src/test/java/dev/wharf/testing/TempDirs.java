package dev.wharf.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing the temp folders that tests and tools make for servers, clients and stores. */
public final class TempDirs {
    private TempDirs() {
    }

    /** Deletes {@code dir} and everything under it, if it exists; best effort, as a leftover temp folder is harmless. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e);
        }
    }
}
