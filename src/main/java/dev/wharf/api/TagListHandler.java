package dev.wharf.api;

import dev.wharf.mirror.CacheTarget;
import dev.wharf.mirror.PullThrough;
import dev.wharf.registry.ListingService;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /v2/<name>/tags/list}: the repository's tags in lexical order, paginated with {@code n}, {@code last}, {@code Link}. */
final class TagListHandler {
    private final ListingService listings;
    private final PullThrough pullThrough;

    TagListHandler(ListingService listings, PullThrough pullThrough) {
        this.listings = listings;
        this.pullThrough = pullThrough;
    }

    /** @param cached the upstream when the name is a pull-through cache's (its tags are the upstream's), else null */
    Future<Void> handle(RoutingContext ctx, ApiRoute route, CacheTarget cached) {
        Http.requireRead(ctx);
        Page page = Page.of(ctx, Page.TAGS);
        Future<List<String>> found = cached == null ? listings.tags(route.name(), page.last(), page.probeSize())
                : pullThrough.tags(cached, page.last(), page.probeSize());
        return found.compose(tags -> {
            List<String> shown = page.finish(ctx, "/v2/" + route.name() + "/tags/list", tags);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", route.name().value());
            body.put("tags", shown);
            return Json.send(ctx, "application/json", body);
        });
    }
}
