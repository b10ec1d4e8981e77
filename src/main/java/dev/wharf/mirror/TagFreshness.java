package dev.wharf.mirror;

import dev.wharf.oci.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each cached tag was last confirmed with its upstream, and when its stale serve was last logged. In memory:
 * after a restart every tag is revalidated once, which costs one HEAD each.
 */
final class TagFreshness {
    private static final Logger LOG = LoggerFactory.getLogger(TagFreshness.class);
    private static final long LOG_EVERY_MILLIS = 60_000;
    /** Bound on the entries kept; beyond it the map starts afresh (tags are then revalidated once more). */
    private static final int MAX_ENTRIES = 200_000;

    private final Map<String, Long> validatedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> staleLoggedAt = new ConcurrentHashMap<>();

    boolean isFresh(CacheTarget target, Tag tag) {
        Long at = validatedAt.get(key(target, tag));
        return at != null && System.currentTimeMillis() - at < target.upstream().freshness().toMillis();
    }

    void validated(CacheTarget target, Tag tag) {
        if (validatedAt.size() >= MAX_ENTRIES) {
            validatedAt.clear();
        }
        validatedAt.put(key(target, tag), System.currentTimeMillis());
    }

    /** Logs a stale serve once per tag and minute, so a long upstream outage does not flood the log. */
    void logStale(CacheTarget target, Tag tag, Throwable why) {
        String key = key(target, tag);
        long now = System.currentTimeMillis();
        Long last = staleLoggedAt.get(key);
        if (last != null && now - last < LOG_EVERY_MILLIS) {
            return;
        }
        if (staleLoggedAt.size() >= MAX_ENTRIES) {
            staleLoggedAt.clear();
        }
        staleLoggedAt.put(key, now);
        LOG.warn("serving cached {}:{} without revalidating it: {}", target.localName(), tag.value(), why.getMessage());
    }

    private static String key(CacheTarget target, Tag tag) {
        return target.localName().value() + ":" + tag.value();
    }
}
