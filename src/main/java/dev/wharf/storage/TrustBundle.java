package dev.wharf.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificates an HTTPS connection to the object store trusts: the JVM's roots plus those of
 * {@code storage.s3.caFile}. One place, so the SDK's client and the blob relay trust the same.
 */
public final class TrustBundle {
    private TrustBundle() {
    }

    /** The JVM's trusted roots plus the certificates in {@code pem}. */
    public static TrustManagerFactory withCertificates(Path pem) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            int n = 0;
            for (TrustManager tm : defaults.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    for (X509Certificate c : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("jvm-" + n++, c);
                    }
                }
            }
            try (var in = Files.newInputStream(pem)) {
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + n++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf;
        } catch (IOException e) {
            throw new IOException("cannot read storage.s3.caFile " + pem + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IOException("storage.s3.caFile " + pem + " holds no usable certificates: " + e.getMessage(), e);
        }
    }
}
