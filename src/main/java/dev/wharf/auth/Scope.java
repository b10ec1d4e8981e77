package dev.wharf.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One resource scope of the Docker token spec, {@code type:name:action[,action]}, e.g.
 * {@code repository:team/app:pull,push} or {@code registry:catalog:*}. The name may itself hold colons
 * (a registry host with a port), so the type ends at the first colon and the actions start after the last.
 */
record Scope(String type, String name, List<String> actions) {
    static final String REPOSITORY = "repository";
    static final Scope CATALOG = new Scope("registry", "catalog", List.of("*"));

    Scope {
        actions = List.copyOf(new LinkedHashSet<>(actions));
    }

    /** The scope, or null when the text is not of the form type:name:actions. */
    static Scope parse(String text) {
        int first = text.indexOf(':');
        int last = text.lastIndexOf(':');
        if (first <= 0 || last <= first + 1) {
            return null;
        }
        Set<String> actions = new LinkedHashSet<>();
        for (String a : text.substring(last + 1).split(",")) {
            if (!a.isBlank()) {
                actions.add(a.trim());
            }
        }
        return new Scope(text.substring(0, first), text.substring(first + 1, last), List.copyOf(actions));
    }

    /** Every scope in a list of scope parameters, each of which may hold several separated by spaces (OAuth2 style). */
    static List<Scope> parseAll(List<String> params) {
        List<Scope> scopes = new ArrayList<>();
        for (String param : params) {
            for (String part : param.trim().split("\\s+")) {
                Scope s = part.isEmpty() ? null : parse(part);
                if (s != null) {
                    scopes.add(s);
                }
            }
        }
        return scopes;
    }

    boolean isCatalog() {
        return type.equals(CATALOG.type) && name.equals(CATALOG.name);
    }

    /** Whether this scope lets its holder do {@code action} on repository {@code repository}. */
    boolean grants(String repository, String action) {
        return type.equals(REPOSITORY) && name.equals(repository) && (actions.contains(action) || actions.contains("*"));
    }

    @Override
    public String toString() {
        return type + ":" + name + ":" + String.join(",", actions);
    }
}
