package dev.wharf.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the size form used in the config file: {@code 5242880}, {@code 512KiB}, {@code 8MiB}, {@code 1GiB}. */
public final class ByteSizes {
    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(|b|kib|mib|gib)");

    private ByteSizes() {
    }

    public static long parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size (like 5242880, 512KiB, 8MiB, 1GiB): " + text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "kib" -> n << 10;
            case "mib" -> n << 20;
            case "gib" -> n << 30;
            default -> n;
        };
    }
}
