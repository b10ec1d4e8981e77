package dev.wharf.auth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes the PEM files of token keys with the JDK alone: PKCS#8 private keys, SPKI public keys, X.509 certificates. */
final class PemKeys {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    private PemKeys() {
    }

    /** The DER contents of every block of the file with the given label, in order. */
    static List<byte[]> blocks(String pem, String label) {
        List<byte[]> found = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals(label)) {
                found.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return found;
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII);
    }

    /** The PKCS#8 ({@code PRIVATE KEY}) key of the file, EC or RSA. */
    static PrivateKey privateKey(Path file, String pem) throws IOException {
        List<byte[]> der = blocks(pem, "PRIVATE KEY");
        if (der.isEmpty()) {
            throw new IOException(file + " holds no PKCS#8 \"PRIVATE KEY\" block (convert with: openssl pkcs8 -topk8 -nocrypt)");
        }
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der.get(0)));
            } catch (GeneralSecurityException e) {
                // not this algorithm; try the next
            }
        }
        throw new IOException(file + " holds a private key that is neither EC nor RSA");
    }

    /** Every public key of the file: {@code PUBLIC KEY} blocks, then the keys of {@code CERTIFICATE} blocks. */
    static List<PublicKey> publicKeys(Path file, String pem) throws IOException {
        List<PublicKey> keys = new ArrayList<>();
        for (byte[] der : blocks(pem, "PUBLIC KEY")) {
            keys.add(publicKey(file, der));
        }
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(pem, "CERTIFICATE")) {
                keys.add(x509.generateCertificate(new ByteArrayInputStream(der)).getPublicKey());
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " holds an unreadable certificate: " + e.getMessage(), e);
        }
        return keys;
    }

    private static PublicKey publicKey(Path file, byte[] der) throws IOException {
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm; try the next
            }
        }
        throw new IOException(file + " holds a public key that is neither EC nor RSA");
    }

    static String encode(String label, Key key) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }
}
