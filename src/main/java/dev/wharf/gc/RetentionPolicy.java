package dev.wharf.gc;

import dev.wharf.config.Durations;
import dev.wharf.config.WharfConfig;
import dev.wharf.oci.RepositoryName;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which tags of the repositories matching a glob survive: the newest {@code keepLast}, those pushed within
 * {@code keepWithin}, and those whose whole name matches {@code keepMatching}. A tag that no rule keeps
 * expires. "Pushed" is when the tag was last written (its tag file's modification time).
 */
public final class RetentionPolicy {
    private final String glob;
    private final PathMatcher matcher;
    private final Integer keepLast;
    private final Duration keepWithin;
    private final Pattern keepMatching;

    public RetentionPolicy(String glob, Integer keepLast, Duration keepWithin, Pattern keepMatching) {
        if (glob == null || glob.isBlank()) {
            throw new IllegalArgumentException("a retention policy needs a repositories glob");
        }
        if (keepLast == null && keepWithin == null && keepMatching == null) {
            // a policy without rules would expire every tag: far more likely a typo than a wish
            throw new IllegalArgumentException("retention policy for '" + glob
                    + "' has no rule (keepLast, keepWithin or keepMatching)");
        }
        if (keepLast != null && keepLast < 0) {
            throw new IllegalArgumentException("keepLast must not be negative: " + keepLast);
        }
        this.glob = glob;
        this.matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        this.keepLast = keepLast;
        this.keepWithin = keepWithin;
        this.keepMatching = keepMatching;
    }

    public static RetentionPolicy from(WharfConfig.Gc.Retention config) {
        return new RetentionPolicy(config.repositories(), config.keepLast(),
                config.keepWithin() == null ? null : Durations.parse(config.keepWithin()),
                config.keepMatching() == null ? null : Pattern.compile(config.keepMatching()));
    }

    public static List<RetentionPolicy> fromConfig(WharfConfig.Gc config) {
        return config.retention().stream().map(RetentionPolicy::from).toList();
    }

    /** The first policy whose glob matches the repository, or null: that repository keeps every tag. */
    public static RetentionPolicy forRepository(List<RetentionPolicy> policies, RepositoryName repository) {
        for (RetentionPolicy p : policies) {
            if (p.matcher.matches(Path.of(repository.value()))) {
                return p;
            }
        }
        return null;
    }

    /** The tags that no rule keeps, given when each was pushed. */
    public Set<String> expired(Map<String, Instant> pushedAt, Instant now) {
        Set<String> kept = new HashSet<>();
        if (keepLast != null) {
            List<String> newestFirst = new ArrayList<>(pushedAt.keySet());
            newestFirst.sort(Comparator.comparing((String t) -> pushedAt.get(t)).reversed().thenComparing(t -> t));
            kept.addAll(newestFirst.subList(0, Math.min(keepLast, newestFirst.size())));
        }
        for (Map.Entry<String, Instant> e : pushedAt.entrySet()) {
            boolean recent = keepWithin != null && !e.getValue().isBefore(now.minus(keepWithin));
            boolean named = keepMatching != null && keepMatching.matcher(e.getKey()).matches();
            if (recent || named) {
                kept.add(e.getKey());
            }
        }
        Set<String> expired = new HashSet<>(pushedAt.keySet());
        expired.removeAll(kept);
        return expired;
    }

    @Override
    public String toString() {
        return "retention for " + glob;
    }
}
