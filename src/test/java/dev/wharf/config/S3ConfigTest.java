package dev.wharf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3ConfigTest {
    @TempDir
    Path dir;

    private WharfConfig load(String yaml, Map<String, String> env) throws IOException {
        return ConfigFiles.load(dir, yaml, env);
    }

    @Test
    void theFilesystemIsTheDefaultDriver() throws IOException {
        WharfConfig.Storage storage = load("{}\n", Map.of()).storage();
        assertEquals("filesystem", storage.driver());
        assertFalse(storage.isS3());
    }

    @Test
    void theVariablesThatScriptsUseSetTheBucket() throws IOException {
        WharfConfig.Storage storage = load("{}\n", Map.of(
                "WHARF_STORAGE_DRIVER", "s3",
                "WHARF_STORAGE_S3_ENDPOINT", "http://127.0.0.1:9000/",
                "WHARF_STORAGE_S3_BUCKET", "images",
                "WHARF_STORAGE_S3_REGION", "eu-west-1",
                "WHARF_STORAGE_S3_ACCESS_KEY", "AKIA",
                "WHARF_STORAGE_S3_SECRET_KEY", "secret",
                "WHARF_STORAGE_S3_PATH_STYLE", "true")).storage();
        assertTrue(storage.isS3());
        WharfConfig.S3 s3 = storage.s3();
        assertEquals("http://127.0.0.1:9000", s3.endpoint());
        assertEquals("images", s3.bucket());
        assertEquals("eu-west-1", s3.region());
        assertEquals("AKIA", s3.accessKey());
        assertEquals("secret", s3.secretKey());
        assertTrue(s3.pathStyle());
        assertEquals(Duration.ofSeconds(1), s3.cacheTtlDuration());
        assertEquals(8L << 20, s3.partSizeBytes());
    }

    @Test
    void theFileSetsTheRestWithSizesAndDurationsInTheirShortForms() throws IOException {
        WharfConfig.S3 s3 = load("storage:\n  driver: s3\n  s3:\n    bucket: b\n    prefix: /reg/\n    cacheTtl: 250ms\n"
                + "    partSize: 16MiB\n    redirect: true\n", Map.of()).storage().s3();
        assertEquals("reg", s3.prefix());
        assertEquals(Duration.ofMillis(250), s3.cacheTtlDuration());
        assertEquals(16L << 20, s3.partSizeBytes());
        assertTrue(s3.redirect());
    }

    @Test
    void mistakesAreRefusedWithTheSettingNamed() {
        assertMessage("WHARF_STORAGE_S3_BUCKET", Map.of("WHARF_STORAGE_DRIVER", "s3"));
        assertMessage("filesystem or s3", Map.of("WHARF_STORAGE_DRIVER", "gcs"));
        assertMessage("go together", Map.of("WHARF_STORAGE_DRIVER", "s3", "WHARF_STORAGE_S3_BUCKET", "b",
                "WHARF_STORAGE_S3_ACCESS_KEY", "AKIA"));
        assertMessage("between 5MiB and 5GiB", Map.of("WHARF_STORAGE_DRIVER", "s3", "WHARF_STORAGE_S3_BUCKET", "b",
                "WHARF_STORAGE_S3_PART_SIZE", "1MiB"));
        assertMessage("http:// or https://", Map.of("WHARF_STORAGE_DRIVER", "s3", "WHARF_STORAGE_S3_BUCKET", "b",
                "WHARF_STORAGE_S3_ENDPOINT", "minio:9000"));
        assertMessage("unknown setting", Map.of("WHARF_STORAGE_S3_BUCKETT", "b"));
    }

    private void assertMessage(String expected, Map<String, String> env) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load("{}\n", env));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
