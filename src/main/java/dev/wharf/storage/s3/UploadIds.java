package dev.wharf.storage.s3;

import dev.wharf.oci.RepositoryName;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Upload ids that prove themselves, so that starting an upload writes nothing to the bucket: an id carries the time
 * it was issued and a random part, sealed to its repository with an HMAC under the bucket's upload key (one key for
 * all replicas, made by the first, see {@link S3Stores}). Any replica can then tell an id it issued itself or
 * another replica issued from one that was made up or belongs to another repository, without a lookup. The state
 * object appears only with the first bytes (see {@link S3UploadStore}).
 *
 * <p>Form: 36 lowercase hex digits (as long as the UUIDs used before, which the upload purge's key parsing relies
 * on): 12 of the issue time in milliseconds, 10 random, 14 of the HMAC-SHA256 of repository, time and random.
 */
final class UploadIds {
    static final int LENGTH = 36;
    private static final int TIME_DIGITS = 12;
    private static final int RANDOM_DIGITS = 10;
    private static final int MAC_DIGITS = LENGTH - TIME_DIGITS - RANDOM_DIGITS;
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    UploadIds(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the upload key has " + key.length + " bytes; it needs 32");
        }
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** A new key for {@link #UploadIds(byte[])}. */
    static byte[] newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    String issue(RepositoryName repository, long nowMillis) {
        byte[] randomPart = new byte[RANDOM_DIGITS / 2];
        random.nextBytes(randomPart);
        String body = String.format("%0" + TIME_DIGITS + "x", nowMillis) + HEX.formatHex(randomPart);
        return body + mac(repository, body);
    }

    /** When the id was issued, if it is one of this bucket's ids for {@code repository}; empty for anything else. */
    OptionalLong issuedAt(RepositoryName repository, String id) {
        if (id == null || id.length() != LENGTH || !isLowerHex(id)) {
            return OptionalLong.empty();
        }
        String body = id.substring(0, TIME_DIGITS + RANDOM_DIGITS);
        byte[] expected = mac(repository, body).getBytes(StandardCharsets.US_ASCII);
        byte[] given = id.substring(TIME_DIGITS + RANDOM_DIGITS).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(id, 0, TIME_DIGITS, 16));
    }

    private String mac(RepositoryName repository, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(repository.value().getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            byte[] sum = mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
            return HEX.formatHex(sum).substring(0, MAC_DIGITS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
