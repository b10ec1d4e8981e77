package dev.wharf.api;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code n} and {@code last} query parameters of the listing endpoints, and the {@code Link} header that
 * points at the next page when there is one.
 */
record Page(int size, String last) {
    /**
     * Tags come whole unless {@code n} asks for pages, as clients that do not follow {@code Link} expect
     * (Distribution does the same); the bound only keeps one answer's size finite.
     */
    static final Limits TAGS = new Limits(1_000_000, 1_000_000);
    /** The catalog comes in pages of 1000 repositories unless {@code n} says otherwise. */
    static final Limits CATALOG = new Limits(1000, 10_000);

    record Limits(int defaultSize, int maxSize) {
    }

    static Page of(RoutingContext ctx, Limits limits) {
        String n = ctx.request().getParam("n");
        int size = limits.defaultSize();
        if (n != null && !n.isEmpty()) {
            try {
                size = Integer.parseInt(n);
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 0) {
                throw RegistryException.of(ErrorCode.PAGINATION_NUMBER_INVALID, "n must be a number from 0 to " + limits.maxSize());
            }
        }
        String last = ctx.request().getParam("last");
        return new Page(Math.min(size, limits.maxSize()), last == null || last.isEmpty() ? null : last);
    }

    /** Asks for one more entry than the page holds, to learn whether a next page exists. */
    int probeSize() {
        return size + 1;
    }

    /** Trims the probe's extra entry and, when there was one, sets the Link header to the next page. */
    <T> List<T> finish(RoutingContext ctx, String path, List<T> entries) {
        if (entries.size() <= size) {
            return entries;
        }
        List<T> page = entries.subList(0, size);
        if (!page.isEmpty()) {
            String next = path + "?n=" + size + "&last=" + URLEncoder.encode(String.valueOf(page.get(page.size() - 1)), StandardCharsets.UTF_8);
            ctx.response().putHeader("Link", "<" + next + ">; rel=\"next\"");
        }
        return page;
    }
}
