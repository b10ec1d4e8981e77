package dev.wharf.oci;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;

import java.util.regex.Pattern;

/**
 * A repository name such as {@code team/app/api}, valid by the distribution-spec grammar. Because every
 * component is lower-case alphanumerics joined by {@code . _ __ -}, a valid name can never be {@code ..},
 * absolute, or contain an encoded character, so it is safe to use as a relative path under the storage root.
 */
public record RepositoryName(String value) implements Comparable<RepositoryName> {
    public static final int MAX_LENGTH = 255;
    private static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
    private static final Pattern GRAMMAR = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");

    public RepositoryName {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !GRAMMAR.matcher(value).matches()) {
            throw RegistryException.withDetail(ErrorCode.NAME_INVALID, "invalid repository name",
                    java.util.Map.of("name", value == null ? "" : value.length() > 300 ? value.substring(0, 300) : value));
        }
    }

    public static RepositoryName parse(String value) {
        return new RepositoryName(value);
    }

    @Override
    public int compareTo(RepositoryName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
