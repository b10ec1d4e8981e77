package dev.wharf.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepositoryPatternTest {

    @Test
    void singleStarStaysWithinOneSegment() {
        RepositoryPattern p = RepositoryPattern.of("library/*");
        assertTrue(p.matches("library/alpine"));
        assertFalse(p.matches("library/tools/jq"));
        assertFalse(p.matches("library"));
        assertFalse(p.matches("other/alpine"));
    }

    @Test
    void doubleStarCrossesSegments() {
        RepositoryPattern p = RepositoryPattern.of("team-a/**");
        assertTrue(p.matches("team-a/app"));
        assertTrue(p.matches("team-a/app/api"));
        assertFalse(p.matches("team-ab/app"));
    }

    @Test
    void dotsAndOtherCharactersMatchOnlyThemselves() {
        RepositoryPattern p = RepositoryPattern.of("a.b/c?");
        assertTrue(p.matches("a.b/c1"));
        assertFalse(p.matches("axb/c1"));
        assertFalse(p.matches("a.b/c/"));
    }

    @Test
    void lonePatternStarMatchesEveryTopLevelNameOnly() {
        assertTrue(RepositoryPattern.of("*").matches("alpine"));
        assertFalse(RepositoryPattern.of("*").matches("team/app"));
        assertTrue(RepositoryPattern.of("**").matches("team/app"));
    }

    @Test
    void emptyPatternIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> RepositoryPattern.of(" "));
    }
}
