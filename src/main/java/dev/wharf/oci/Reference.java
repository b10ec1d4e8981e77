package dev.wharf.oci;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;

/** The {@code <reference>} of a manifest URL: either a tag or a digest, never both. */
public record Reference(Tag tag, Digest digest) {

    public Reference {
        if ((tag == null) == (digest == null)) {
            throw new IllegalArgumentException("a reference is a tag or a digest");
        }
    }

    public static Reference parse(String text) {
        if (Digest.looksLikeDigest(text)) {
            return new Reference(null, Digest.parse(text));
        }
        if (!Tag.isValid(text)) {
            throw RegistryException.of(ErrorCode.TAG_INVALID, "invalid reference: neither a tag nor a digest");
        }
        return new Reference(new Tag(text), null);
    }

    public boolean isDigest() {
        return digest != null;
    }

    @Override
    public String toString() {
        return isDigest() ? digest.toString() : tag.toString();
    }
}
