package dev.wharf.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.List;

/**
 * The key the built-in token service signs with: EC P-256 (ES256) or RSA (RS256), identified in each
 * token's {@code kid} header by its RFC 7638 thumbprint. Loaded from the configured PEM file, or generated
 * on first start and kept under the storage root, so that tokens survive a restart.
 *
 * <p>The JDK cannot derive an EC public key from the private one, so an EC key file must hold a
 * {@code PUBLIC KEY} block beside its {@code PRIVATE KEY} (the generated file does; for an RSA key the
 * public half is read from the private key).
 */
record SigningKey(JWK jwk, JWSAlgorithm algorithm, JWSSigner signer) {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKey.class);

    /** The configured key file, or (when {@code configured} is blank) the kept one, generated if absent. */
    static SigningKey loadOrGenerate(String configured, Path kept) throws IOException {
        if (!configured.isBlank()) {
            return load(Path.of(configured));
        }
        if (!Files.exists(kept)) {
            generate(kept);
            LOG.info("generated a token signing key at {}", kept);
        }
        return load(kept);
    }

    static SigningKey load(Path file) throws IOException {
        String pem = PemKeys.read(file);
        PrivateKey key = PemKeys.privateKey(file, pem);
        try {
            if (key instanceof ECPrivateKey ec) {
                List<PublicKey> publics = PemKeys.publicKeys(file, pem);
                if (publics.isEmpty() || !(publics.get(0) instanceof ECPublicKey pub)) {
                    throw new IOException(file + ": an EC private key needs its PUBLIC KEY block in the same file"
                            + " (append it with: openssl pkey -in KEY -pubout >> KEY)");
                }
                if (!Curve.forECParameterSpec(ec.getParams()).equals(Curve.P_256)) {
                    throw new IOException(file + ": only the P-256 curve is supported for EC token keys");
                }
                ECKey jwk = new ECKey.Builder(Curve.P_256, pub).privateKey(ec).keyIDFromThumbprint().build();
                return new SigningKey(jwk, JWSAlgorithm.ES256, new ECDSASigner(jwk));
            }
            RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) key;
            PublicKey pub = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            RSAKey jwk = new RSAKey.Builder((java.security.interfaces.RSAPublicKey) pub).privateKey(rsa)
                    .keyIDFromThumbprint().build();
            return new SigningKey(jwk, JWSAlgorithm.RS256, new RSASSASigner(jwk));
        } catch (GeneralSecurityException | JOSEException | ClassCastException e) {
            throw new IOException(file + ": unusable token signing key: " + e.getMessage(), e);
        }
    }

    private static void generate(Path file) throws IOException {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate an EC P-256 key", e);
        }
        String pem = PemKeys.encode("PRIVATE KEY", pair.getPrivate()) + PemKeys.encode("PUBLIC KEY", pair.getPublic());
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), ".token-key", ".tmp");
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the folder's own protection has to do
        }
        Files.writeString(temp, pem, StandardCharsets.US_ASCII);
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The public half, as verifiers need it. */
    JWK publicJwk() {
        return jwk.toPublicJWK();
    }
}
