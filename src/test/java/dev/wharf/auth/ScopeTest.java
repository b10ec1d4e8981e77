package dev.wharf.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScopeTest {

    @Test
    void nameMayHoldColonsOfARegistryHostAndPort() {
        Scope s = Scope.parse("repository:localhost:5000/team/app:pull,push");
        assertEquals(new Scope("repository", "localhost:5000/team/app", List.of("pull", "push")), s);
        assertEquals("repository:localhost:5000/team/app:pull,push", s.toString());
    }

    @Test
    void oauthStyleSpaceSeparatedScopesAndRepeatedParametersBothCount() {
        List<Scope> scopes = Scope.parseAll(List.of("repository:a:pull repository:b:push", "registry:catalog:*"));
        assertEquals(3, scopes.size());
        assertTrue(scopes.get(2).isCatalog());
    }

    @Test
    void textWithoutTypeNameAndActionsIsNoScope() {
        assertNull(Scope.parse("repository:pull"));
        assertNull(Scope.parse(":a:pull"));
    }
}
