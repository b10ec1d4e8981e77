package dev.wharf.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's stand-in for the launcher (when target/wharf is not built) runs the JVM as the launcher does. */
class LauncherFlagsTest {
    @Test
    void theTunedFlagsAreTheLaunchersFlags() throws IOException {
        String launcher = Files.readString(Path.of("src/main/dist/wharf")).replace("\\\n  ", "");
        assertTrue(launcher.contains("exec \"$java\" " + BenchOptions.TUNED_FLAGS + " $WHARF_JAVA_OPTS -jar"),
                "src/main/dist/wharf runs java with BenchOptions.TUNED_FLAGS");
    }
}
