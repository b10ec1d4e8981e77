package dev.wharf.auth;

import java.util.regex.Pattern;

/**
 * A glob over repository names, as written in policies: {@code *} matches within one path segment,
 * {@code **} across segments, {@code ?} one character of a segment; everything else matches itself.
 * So {@code library/*} covers {@code library/alpine} but not {@code library/tools/jq}; {@code team/**} covers both levels.
 */
public record RepositoryPattern(String glob, Pattern regex) {

    public static RepositoryPattern of(String glob) {
        if (glob == null || glob.isBlank()) {
            throw new IllegalArgumentException("empty repository pattern");
        }
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c != '*' && c != '?') {
                literal.append(c);
                continue;
            }
            if (!literal.isEmpty()) {
                regex.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
            }
            if (c == '?') {
                regex.append("[^/]");
            } else if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else {
                regex.append("[^/]*");
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return new RepositoryPattern(glob, Pattern.compile(regex.toString()));
    }

    public boolean matches(String repository) {
        return regex.matcher(repository).matches();
    }
}
