package dev.wharf.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.oci.Digest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upstreams' referrers answers, kept in memory (they are small, and an upstream adds referrers, a signature
 * for instance, to an image it already has, so they are revalidated like tags, after the upstream's freshness).
 */
final class ReferrerCache {
    private static final int MAX_ENTRIES = 20_000;

    private record Entry(List<JsonNode> descriptors, long at) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** The descriptors known for {@code subject} if younger than {@code maxAge} (any age when null); else null. */
    List<JsonNode> get(CacheTarget target, Digest subject, Duration maxAge) {
        Entry e = entries.get(key(target, subject));
        if (e == null || (maxAge != null && System.currentTimeMillis() - e.at >= maxAge.toMillis())) {
            return null;
        }
        return e.descriptors;
    }

    void put(CacheTarget target, Digest subject, List<JsonNode> descriptors) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key(target, subject), new Entry(List.copyOf(descriptors), System.currentTimeMillis()));
    }

    private static String key(CacheTarget target, Digest subject) {
        return target.localName().value() + "@" + subject;
    }
}
