package dev.wharf.gc;

import dev.wharf.oci.RepositoryName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RetentionPolicyTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Map<String, Instant> PUSHED = Map.of(
            "a", NOW.minus(Duration.ofDays(1)),
            "b", NOW.minus(Duration.ofDays(5)),
            "c", NOW.minus(Duration.ofDays(9)),
            "release-1", NOW.minus(Duration.ofDays(300)));

    @Test
    void keepLastKeepsTheNewestTags() {
        RetentionPolicy p = new RetentionPolicy("**", 2, null, null);
        assertEquals(Set.of("c", "release-1"), p.expired(PUSHED, NOW));
    }

    @Test
    void keepWithinKeepsTagsPushedInsideTheWindow() {
        RetentionPolicy p = new RetentionPolicy("**", null, Duration.ofDays(7), null);
        assertEquals(Set.of("c", "release-1"), p.expired(PUSHED, NOW));
    }

    @Test
    void keepMatchingKeepsTagsWhoseWholeNameMatches() {
        RetentionPolicy p = new RetentionPolicy("**", null, null, Pattern.compile("release-\\d+"));
        assertEquals(Set.of("a", "b", "c"), p.expired(PUSHED, NOW));
        RetentionPolicy partial = new RetentionPolicy("**", null, null, Pattern.compile("release"));
        assertEquals(PUSHED.keySet(), partial.expired(PUSHED, NOW));
    }

    @Test
    void aTagSurvivesWhenAnyRuleKeepsIt() {
        RetentionPolicy p = new RetentionPolicy("**", 1, Duration.ofDays(6), Pattern.compile("release-.*"));
        assertEquals(Set.of("c"), p.expired(PUSHED, NOW));
    }

    @Test
    void aPolicyWithoutAnyRuleIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy("ci/*", null, null, null));
    }

    @Test
    void theFirstPolicyWhoseGlobMatchesApplies() {
        RetentionPolicy oneSegment = new RetentionPolicy("ci/*", 1, null, null);
        RetentionPolicy anyDepth = new RetentionPolicy("ci/**", 5, null, null);
        List<RetentionPolicy> policies = List.of(oneSegment, anyDepth);
        assertSame(oneSegment, RetentionPolicy.forRepository(policies, RepositoryName.parse("ci/app")));
        assertSame(anyDepth, RetentionPolicy.forRepository(policies, RepositoryName.parse("ci/team/app")));
        assertNull(RetentionPolicy.forRepository(policies, RepositoryName.parse("library/app")));
    }
}
