package dev.wharf.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP layer reaches storage only through the registry service: no class of {@code dev.wharf.api} imports
 * a store, the storage wiring or a driver. It may use the values the service hands back ({@code StoredManifest},
 * {@code BlobSource}, {@code UploadSession}, {@code UploadAppender}).
 */
class HandlersUseOnlyTheServiceTest {
    private static final Path API = Path.of("src/main/java/dev/wharf/api");
    private static final Pattern FORBIDDEN = Pattern.compile(
            "^import dev\\.wharf\\.(storage\\.(fs\\..*|Storage|\\w*Store|ManifestCache)|gc\\..*|integrity\\..*);$");

    @Test
    void noApiClassImportsAStoreOrADriver() throws IOException {
        List<String> found = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.list(API)) {
            for (Path source : (Iterable<Path>) sources.filter(p -> p.toString().endsWith(".java"))::iterator) {
                files++;
                for (String line : Files.readAllLines(source)) {
                    if (FORBIDDEN.matcher(line.trim()).matches()) {
                        found.add(source.getFileName() + ": " + line.trim());
                    }
                }
            }
        }
        assertTrue(files > 10, "the api sources were found (" + files + ")");
        assertEquals(List.of(), found);
    }

    @Test
    void thePatternCatchesAStoreImport() {
        assertTrue(FORBIDDEN.matcher("import dev.wharf.storage.TagStore;").matches());
        assertTrue(FORBIDDEN.matcher("import dev.wharf.storage.fs.StorageLayout;").matches());
        assertTrue(FORBIDDEN.matcher("import dev.wharf.storage.Storage;").matches());
        assertTrue(!FORBIDDEN.matcher("import dev.wharf.storage.StoredManifest;").matches());
    }
}
