package dev.wharf.api;

import dev.wharf.testing.RegistryTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;

class DigestValidationTest extends RegistryTest {
    private static final String REPO = "team/digests";

    static Stream<String> malformedDigests() {
        return Stream.of("sha256:abc", "sha256:" + "g".repeat(64), "sha256:", "SHA256:" + "a".repeat(64),
                "sha256:" + "A0".repeat(32), "sha512:" + "0".repeat(64), "sha256:" + "0".repeat(65));
    }

    @ParameterizedTest
    @MethodSource("malformedDigests")
    void malformedDigestIsDigestInvalid(String digest) {
        registry.given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
        registry.given().body(new byte[1]).post("/v2/" + REPO + "/blobs/uploads/?digest=" + digest).then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
    }

    @Test
    void wellFormedDigestOfAnUnsupportedAlgorithmIsUnsupported() {
        String md5 = "md5:" + "d41d8cd98f00b204e9800998ecf8427e";
        registry.given().get("/v2/" + REPO + "/blobs/" + md5).then().statusCode(400)
                .body("errors[0].code", equalTo("UNSUPPORTED"));
        registry.given().body(new byte[1]).post("/v2/" + REPO + "/blobs/uploads/?digest=" + md5).then().statusCode(400)
                .body("errors[0].code", equalTo("UNSUPPORTED"));
    }
}
