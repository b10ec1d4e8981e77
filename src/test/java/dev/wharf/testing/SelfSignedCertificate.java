package dev.wharf.testing;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;

/**
 * A certificate for 127.0.0.1 and localhost, with its key, made by openssl for one test. It signs itself,
 * so clients trust it by taking it as their CA ({@code --cert-dir} with {@code ca.crt}, or a PEM trust option).
 */
public record SelfSignedCertificate(Path cert, Path key) {

    /** Makes one in {@code dir}; skips the test when openssl is missing (fails with clients required). */
    public static SelfSignedCertificate create(Path dir) {
        ExternalClient openssl = ExternalClient.require("openssl");
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        openssl.run("req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString());
        return new SelfSignedCertificate(cert, key);
    }

    /** A TLS context that trusts this certificate (and nothing else), for clients of the server that uses it. */
    public SSLContext trustingContext() {
        try (InputStream in = Files.newInputStream(cert)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("wharf", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + cert, e);
        }
    }
}
