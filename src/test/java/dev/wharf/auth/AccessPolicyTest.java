package dev.wharf.auth;

import dev.wharf.api.ApiRoute.Action;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessPolicyTest {
    @TempDir
    Path dir;

    private AccessPolicy policy(String authYaml) {
        return new AccessPolicy(AuthFixtures.auth(dir, "auth:\n  htpasswd: x\n" + authYaml));
    }

    private static final String EXAMPLE = """
              groups:
                team-a: [alice, bob]
                ops: [olga]
              admins: [root, "group:ops"]
              policies:
                - groups: [team-a]
                  repositories: ["team-a/**"]
                  actions: [pull, push]
                - users: [alice]
                  repositories: ["team-a/**"]
                  actions: [delete]
                - users: [carol]
                  repositories: ["team-a/app"]
                  actions: [pull]
              anonymous:
                - repositories: ["library/*"]
                  actions: [pull]
            """;

    @Test
    void groupMembersGetTheGroupsActionsAndUsersTheirOwnOnTop() {
        AccessPolicy p = policy(EXAMPLE);
        assertEquals(EnumSet.of(Action.PULL, Action.PUSH), p.allowed("bob", "team-a/app/api"));
        assertEquals(EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE), p.allowed("alice", "team-a/app"));
        assertEquals(EnumSet.of(Action.PULL), p.allowed("carol", "team-a/app"));
        assertEquals(Set.of(), p.allowed("carol", "team-a/other"));
    }

    @Test
    void usersNamedInNoPolicyGetOnlyWhatAnonymousCallersGet() {
        AccessPolicy p = policy(EXAMPLE);
        assertEquals(Set.of(), p.allowed("mallory", "team-a/app"));
        assertEquals(EnumSet.of(Action.PULL), p.allowed("mallory", "library/alpine"));
        assertEquals(EnumSet.of(Action.PULL), p.allowed(null, "library/alpine"));
        assertEquals(Set.of(), p.allowed(null, "library/tools/jq"));
    }

    @Test
    void adminsByNameOrGroupMayDoEverythingEverywhere() {
        AccessPolicy p = policy(EXAMPLE);
        assertEquals(EnumSet.allOf(Action.class).size() - 1, p.allowed("root", "anything/at/all").size());
        assertTrue(p.allows("olga", Action.DELETE, "team-b/x"));
        assertTrue(p.isAdmin("olga"));
    }

    @Test
    void withoutAnyPolicyEveryUserMayDoEverythingButAnonymousNothing() {
        AccessPolicy p = policy("");
        assertEquals(EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE), p.allowed("anyone", "some/repo"));
        assertEquals(Set.of(), p.allowed(null, "some/repo"));
    }

    @Test
    void anUnknownActionIsRejectedAtStart() {
        assertThrows(IllegalArgumentException.class, () -> policy("""
                  policies:
                    - users: [a]
                      repositories: ["*"]
                      actions: [pul]
                """));
    }
}
