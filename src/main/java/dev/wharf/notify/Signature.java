package dev.wharf.notify;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The signature header of a delivery, as GitHub signs its webhooks: {@code sha256=} and the hex HMAC-SHA256 of the
 * exact body bytes under the endpoint's secret. A receiver that computes the same over the body it got knows the
 * body came from someone holding the secret and was not changed on the way.
 */
final class Signature {
    static final String HEADER = "X-Wharf-Signature-256";
    private static final String ALGORITHM = "HmacSHA256";

    private Signature() {
    }

    static String of(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        }
    }
}
