package dev.wharf.registry;

import java.util.List;

/**
 * What {@code docker search} is told: how many visible repositories matched, and the first of them.
 *
 * @param total   every visible repository whose name matched
 * @param matches the first matches in name order, at most the limit asked for
 */
public record SearchResult(int total, List<Match> matches) {
    /** One repository and its description (null when its newest image declares none). */
    public record Match(String name, String description) {
    }
}
