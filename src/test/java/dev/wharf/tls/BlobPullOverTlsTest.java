package dev.wharf.tls;

import dev.wharf.config.WharfConfig;
import dev.wharf.oci.Digest;
import dev.wharf.testing.SelfSignedCertificate;
import dev.wharf.testing.TestImages;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Over TLS a blob is read and sent in chunks by Wharf itself (plain HTTP hands the file to the kernel): the bytes
 * must arrive whole and in order, for the whole blob and for a range, with either TLS engine, for a blob of many
 * chunks (more than the sender keeps in flight).
 */
class BlobPullOverTlsTest {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void aBlobOfManyChunksArrivesWholeAndByRange(String engine) throws IOException {
        SelfSignedCertificate cert = SelfSignedCertificate.create(Files.createDirectories(dir.resolve(engine)));
        try (TestRegistry registry = TestRegistry.start(c -> c.withTls(
                new WharfConfig.Tls(cert.cert().toString(), cert.key().toString(), engine)))) {
            TestImages images = new TestImages(registry);
            byte[] content = images.randomBytes((3 << 20) + 12345);
            Digest digest = images.pushBlob("tls/big", content);

            byte[] whole = registry.given().get("/v2/tls/big/blobs/" + digest).then().statusCode(200)
                    .header("Content-Length", String.valueOf(content.length)).extract().asByteArray();
            assertArrayEquals(content, whole);

            byte[] part = registry.given().header("Range", "bytes=100000-2999999").get("/v2/tls/big/blobs/" + digest)
                    .then().statusCode(206).extract().asByteArray();
            assertArrayEquals(Arrays.copyOfRange(content, 100_000, 3_000_000), part);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "openssl", "jdk", "JDK "})
    void theTlsEngineSettingNamesOneOfThree(String engine) {
        assertTrue(WharfConfig.Tls.ENGINES.contains(new WharfConfig.Tls("c.pem", "k.pem", engine).engine()));
    }

    @org.junit.jupiter.api.Test
    void anUnknownTlsEngineIsAConfigurationError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WharfConfig.Tls("c.pem", "k.pem", "gnutls"));
        assertEquals("tls.engine must be one of [auto, openssl, jdk], not gnutls", e.getMessage());
    }
}
