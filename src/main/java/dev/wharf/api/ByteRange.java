package dev.wharf.api;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One satisfiable byte range of a blob, resolved from an HTTP {@code Range} header. */
record ByteRange(long start, long length) {

    String contentRange(long size) {
        return "bytes " + start + "-" + (start + length - 1) + "/" + size;
    }

    /** A parsed {@code Range: bytes=a-b | a- | -n} header, waiting to know the blob's size. */
    record Header(Long first, Long last, Long suffix) {
        private static final Pattern SINGLE = Pattern.compile("bytes=(\\d*)-(\\d*)");

        /** Null when absent, or when it asks for several ranges (which we answer with the whole blob). */
        static Header parse(String value) {
            if (value == null || value.contains(",")) {
                return null;
            }
            Matcher m = SINGLE.matcher(value.trim());
            if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                throw RegistryException.of(ErrorCode.RANGE_INVALID, "malformed Range header");
            }
            try {
                if (m.group(1).isEmpty()) {
                    return new Header(null, null, Long.parseLong(m.group(2)));
                }
                Long last = m.group(2).isEmpty() ? null : Long.parseLong(m.group(2));
                Header h = new Header(Long.parseLong(m.group(1)), last, null);
                if (last != null && last < h.first) {
                    throw RegistryException.of(ErrorCode.RANGE_INVALID, "Range ends before it starts");
                }
                return h;
            } catch (NumberFormatException e) {
                throw RegistryException.of(ErrorCode.RANGE_INVALID, "Range out of bounds");
            }
        }

        ByteRange resolve(long size) {
            if (suffix != null) {
                if (suffix == 0 || size == 0) {
                    throw unsatisfiable(size);
                }
                long n = Math.min(suffix, size);
                return new ByteRange(size - n, n);
            }
            if (first >= size) {
                throw unsatisfiable(size);
            }
            long end = last == null ? size - 1 : Math.min(last, size - 1);
            return new ByteRange(first, end - first + 1);
        }

        private static RegistryException unsatisfiable(long size) {
            return RegistryException.withDetail(ErrorCode.RANGE_INVALID, "range not satisfiable for a blob of " + size + " bytes",
                    java.util.Map.of("size", size));
        }
    }
}
