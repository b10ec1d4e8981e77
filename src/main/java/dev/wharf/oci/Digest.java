package dev.wharf.oci;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.Problem;
import dev.wharf.error.RegistryException;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/** A content digest such as {@code sha256:ab12...}: parsed and checked once, at the edge. */
public record Digest(Algorithm algorithm, String hex) {

    /** The digest algorithms Wharf stores content under. */
    public enum Algorithm {
        SHA256("sha256", "SHA-256", 64),
        SHA512("sha512", "SHA-512", 128);

        private final String prefix;
        private final String javaName;
        private final int hexLength;

        Algorithm(String prefix, String javaName, int hexLength) {
            this.prefix = prefix;
            this.javaName = javaName;
            this.hexLength = hexLength;
        }

        public String prefix() {
            return prefix;
        }

        public MessageDigest newHasher() {
            try {
                return MessageDigest.getInstance(javaName);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(javaName + " is missing from this JVM", e);
            }
        }

        static Algorithm byPrefix(String prefix) {
            for (Algorithm a : values()) {
                if (a.prefix.equals(prefix)) {
                    return a;
                }
            }
            return null;
        }
    }

    // The image-spec grammar: algorithm ":" encoded, with a lower-case registered algorithm.
    private static final Pattern GRAMMAR = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
    private static final Pattern LOWER_HEX = Pattern.compile("[a-f0-9]+");

    public Digest {
        if (algorithm == null || hex == null || hex.length() != algorithm.hexLength || !LOWER_HEX.matcher(hex).matches()) {
            throw RegistryException.of(ErrorCode.DIGEST_INVALID, "invalid digest");
        }
    }

    /**
     * Parses a digest; anything outside the grammar is {@code DIGEST_INVALID}, a well-formed digest of an
     * algorithm Wharf does not store is {@code UNSUPPORTED}.
     */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static Digest parse(String text) {
        if (text == null || text.length() > 256 || !GRAMMAR.matcher(text).matches()) {
            throw RegistryException.of(ErrorCode.DIGEST_INVALID, "invalid digest: " + abbreviate(text));
        }
        int colon = text.indexOf(':');
        Algorithm algorithm = Algorithm.byPrefix(text.substring(0, colon));
        if (algorithm == null) {
            throw RegistryException.of(Problem.DIGEST_ALGORITHM_UNSUPPORTED,
                    "unsupported digest algorithm: " + text.substring(0, colon));
        }
        String hex = text.substring(colon + 1);
        if (hex.length() != algorithm.hexLength || !LOWER_HEX.matcher(hex).matches()) {
            throw RegistryException.of(ErrorCode.DIGEST_INVALID, "invalid " + algorithm.prefix + " digest: " + abbreviate(text));
        }
        return new Digest(algorithm, hex);
    }

    /** Whether the text looks like a digest (has an algorithm prefix), as opposed to a tag. */
    public static boolean looksLikeDigest(String text) {
        return text.indexOf(':') > 0;
    }

    public static Digest of(Algorithm algorithm, byte[] hash) {
        return new Digest(algorithm, org.apache.commons.codec.binary.Hex.encodeHexString(hash));
    }

    public static Digest sha256(byte[] content) {
        return of(Algorithm.SHA256, Algorithm.SHA256.newHasher().digest(content));
    }

    @com.fasterxml.jackson.annotation.JsonValue
    @Override
    public String toString() {
        return algorithm.prefix + ":" + hex;
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "(none)";
        }
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
