package dev.wharf.oci;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;

import java.util.regex.Pattern;

/** A tag such as {@code v1.2.3}: at most 128 characters of the spec's tag grammar. */
public record Tag(String value) implements Comparable<Tag> {
    private static final Pattern GRAMMAR = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    public Tag {
        if (value == null || !GRAMMAR.matcher(value).matches()) {
            throw RegistryException.of(ErrorCode.TAG_INVALID, "invalid tag");
        }
    }

    public static boolean isValid(String value) {
        return value != null && GRAMMAR.matcher(value).matches();
    }

    @Override
    public int compareTo(Tag other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
