package dev.wharf.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import dev.wharf.testing.ExternalClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SigningKeyTest {
    @TempDir
    Path dir;

    @Test
    void aConfiguredRsaKeySignsRs256TokensThatVerify() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Path file = dir.resolve("rsa.pem");
        Files.writeString(file, PemKeys.encode("PRIVATE KEY", pair.getPrivate()));

        SigningKey key = SigningKey.loadOrGenerate(file.toString(), dir.resolve("unused.pem"));
        assertEquals(JWSAlgorithm.RS256, key.algorithm());
        String token = new TokenIssuer(key, "iss", "svc", Duration.ofMinutes(1), Clock.systemUTC())
                .issue("u", List.of(new Scope("repository", "a/b", List.of("pull")))).token();
        assertEquals(key.jwk().getKeyID(), SignedJWT.parse(token).getHeader().getKeyID());
        Caller caller = new TokenVerifier(List.of(key.publicJwk()), "iss", "svc", Duration.ZERO).verify(token);
        assertTrue(caller.tokenGrants("a/b", "pull"));
        assertTrue(Files.notExists(dir.resolve("unused.pem")), "a configured key means nothing is generated");
    }

    @Test
    void anOpensslEcKeyWithItsPublicHalfAppendedIsUsable() throws Exception {
        ExternalClient openssl = ExternalClient.require("openssl");
        Path file = dir.resolve("ec.pem");
        openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file.toString());
        String publicHalf = openssl.run("pkey", "-in", file.toString(), "-pubout").stdout();
        Files.writeString(file, publicHalf, java.nio.file.StandardOpenOption.APPEND);
        assertEquals(JWSAlgorithm.ES256, SigningKey.load(file).algorithm());
    }

    @Test
    void anEcKeyWithoutItsPublicHalfIsRefusedWithAHint() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        Path file = dir.resolve("ec-private-only.pem");
        Files.writeString(file, PemKeys.encode("PRIVATE KEY", generator.generateKeyPair().getPrivate()));
        IOException e = assertThrows(IOException.class, () -> SigningKey.load(file));
        assertTrue(e.getMessage().contains("-pubout"), e.getMessage());
    }

    @Test
    void theGeneratedKeyIsWrittenOnceAndReusedAfterwards() throws Exception {
        Path kept = dir.resolve("auth").resolve("key.pem");
        SigningKey first = SigningKey.loadOrGenerate("", kept);
        SigningKey again = SigningKey.loadOrGenerate("", kept);
        assertEquals(first.jwk().getKeyID(), again.jwk().getKeyID());
        assertEquals(JWSAlgorithm.ES256, first.algorithm());
    }
}
