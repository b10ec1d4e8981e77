package dev.wharf.auth;

import dev.wharf.api.ApiRoute.Action;
import dev.wharf.config.WharfConfig;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The authorization rules of the configuration, evaluated: which actions a user (or an anonymous caller)
 * has on a repository. Admins have every action everywhere. Without any policy every authenticated user
 * has every action (the htpasswd-only set-up); with policies, a user has what the policies naming them
 * or one of their groups grant. Anonymous grants apply to everyone, signed in or not.
 */
final class AccessPolicy {
    private static final Set<Action> ALL = EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE);

    private record Rule(Set<String> users, Set<String> groups, List<RepositoryPattern> repositories, Set<Action> actions) {
        boolean covers(String repository) {
            return repositories.stream().anyMatch(p -> p.matches(repository));
        }
    }

    private final Map<String, List<String>> groups;
    private final Set<String> admins;
    private final List<Rule> rules = new ArrayList<>();
    private final List<Rule> anonymous = new ArrayList<>();

    AccessPolicy(WharfConfig.Auth auth) {
        this.groups = auth.groups();
        this.admins = Set.copyOf(auth.admins());
        for (WharfConfig.Policy p : auth.policies()) {
            rules.add(new Rule(Set.copyOf(p.users()), Set.copyOf(p.groups()), patterns(p.repositories()), actions(p.actions())));
        }
        for (WharfConfig.Grant g : auth.anonymous()) {
            anonymous.add(new Rule(Set.of(), Set.of(), patterns(g.repositories()), actions(g.actions())));
        }
    }

    /** What {@code user} (null: an anonymous caller) may do on {@code repository}. */
    Set<Action> allowed(String user, String repository) {
        Set<Action> granted = EnumSet.noneOf(Action.class);
        anonymous.stream().filter(r -> r.covers(repository)).forEach(r -> granted.addAll(r.actions()));
        if (user == null) {
            return granted;
        }
        if (isAdmin(user) || rules.isEmpty()) {
            return ALL;
        }
        for (Rule r : rules) {
            if ((r.users().contains(user) || r.groups().stream().anyMatch(g -> inGroup(user, g))) && r.covers(repository)) {
                granted.addAll(r.actions());
            }
        }
        return granted;
    }

    boolean allows(String user, Action action, String repository) {
        return allowed(user, repository).contains(action);
    }

    boolean isAdmin(String user) {
        return user != null && (admins.contains(user)
                || admins.stream().anyMatch(a -> a.startsWith("group:") && inGroup(user, a.substring("group:".length()))));
    }

    /**
     * Whether {@code user} may run registry-wide administration (on-demand garbage collection): an admin, or
     * any signed-in user while no policy or admin is configured, since then every user may do everything.
     */
    boolean mayAdminister(String user) {
        return user != null && (isAdmin(user) || (rules.isEmpty() && admins.isEmpty()));
    }

    private boolean inGroup(String user, String group) {
        return groups.getOrDefault(group, List.of()).contains(user);
    }

    /** The action as named in policies and token scopes. */
    static String nameOf(Action action) {
        return action.name().toLowerCase(Locale.ROOT);
    }

    private static List<RepositoryPattern> patterns(List<String> globs) {
        if (globs.isEmpty()) {
            throw new IllegalArgumentException("an auth policy or anonymous grant lists no repositories");
        }
        return globs.stream().map(RepositoryPattern::of).toList();
    }

    private static Set<Action> actions(List<String> names) {
        Set<Action> actions = EnumSet.noneOf(Action.class);
        for (String name : names) {
            switch (name.toLowerCase(Locale.ROOT)) {
                case "pull" -> actions.add(Action.PULL);
                case "push" -> actions.add(Action.PUSH);
                case "delete" -> actions.add(Action.DELETE);
                case "*" -> actions.addAll(ALL);
                default -> throw new IllegalArgumentException("unknown action in auth policy: " + name
                        + " (expected pull, push, delete or *)");
            }
        }
        return actions;
    }
}
