package dev.wharf.oci;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigestTest {
    private static final String EMPTY_SHA256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void sha256OfContentMatchesTheKnownValue() {
        assertEquals(EMPTY_SHA256, Digest.sha256(new byte[0]).toString());
        assertEquals("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
                Digest.sha256("{}".getBytes(StandardCharsets.UTF_8)).toString());
    }

    @Test
    void parseRoundTripsSha256AndSha512() {
        assertEquals(EMPTY_SHA256, Digest.parse(EMPTY_SHA256).toString());
        String sha512 = "sha512:" + "ab".repeat(64);
        Digest d = Digest.parse(sha512);
        assertEquals(Digest.Algorithm.SHA512, d.algorithm());
        assertEquals(sha512, d.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256:abc", "sha256:", ":abc", "sha256", "SHA256:e3b0", "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85/"})
    void malformedDigestsAreDigestInvalid(String text) {
        assertEquals(ErrorCode.DIGEST_INVALID, assertThrows(RegistryException.class, () -> Digest.parse(text)).code());
    }

    @Test
    void wellFormedDigestOfAnotherAlgorithmIsUnsupported() {
        assertEquals(ErrorCode.UNSUPPORTED,
                assertThrows(RegistryException.class, () -> Digest.parse("md5:d41d8cd98f00b204e9800998ecf8427e")).code());
        assertEquals(ErrorCode.UNSUPPORTED,
                assertThrows(RegistryException.class, () -> Digest.parse("blake3:" + "a".repeat(64))).code());
    }

    @Test
    void aReferenceWithAColonLooksLikeADigest() {
        assertTrue(Digest.looksLikeDigest(EMPTY_SHA256));
        assertFalse(Digest.looksLikeDigest("v1.2.3"));
    }
}
