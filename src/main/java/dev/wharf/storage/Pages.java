package dev.wharf.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;

/** One page of a sorted listing (tags, the catalog), as the spec's {@code last} and {@code n} ask for it. */
public final class Pages {
    private Pages() {
    }

    /** At most {@code limit} names of {@code sorted} that come after {@code last} (all from the start when null). */
    public static List<String> after(NavigableSet<String> sorted, String last, int limit) {
        NavigableSet<String> view = last == null ? sorted : sorted.tailSet(last, false);
        List<String> page = new ArrayList<>(Math.min(limit, 1024));
        for (String name : view) {
            if (page.size() >= limit) {
                break;
            }
            page.add(name);
        }
        return page;
    }
}
