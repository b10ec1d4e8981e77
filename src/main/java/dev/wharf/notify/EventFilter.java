package dev.wharf.notify;

import dev.wharf.auth.RepositoryPattern;
import dev.wharf.config.WharfConfig;
import dev.wharf.registry.RegistryEvent;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which events an endpoint hears: its actions (none listed: all) in its repositories (glob patterns as in access
 * policies; none listed: all).
 */
record EventFilter(Set<RegistryEvent.Action> actions, List<RepositoryPattern> repositories) {

    static EventFilter of(WharfConfig.Endpoint endpoint) {
        Set<RegistryEvent.Action> actions = EnumSet.noneOf(RegistryEvent.Action.class);
        for (String action : endpoint.events()) {
            actions.add(RegistryEvent.Action.valueOf(action.toUpperCase(Locale.ROOT)));
        }
        if (actions.isEmpty()) {
            actions = EnumSet.allOf(RegistryEvent.Action.class);
        }
        return new EventFilter(Set.copyOf(actions), endpoint.repositories().stream().map(RepositoryPattern::of).toList());
    }

    boolean accepts(RegistryEvent event) {
        if (!actions.contains(event.action())) {
            return false;
        }
        if (repositories.isEmpty()) {
            return true;
        }
        String name = event.repository().value();
        for (RepositoryPattern pattern : repositories) {
            if (pattern.matches(name)) {
                return true;
            }
        }
        return false;
    }
}
