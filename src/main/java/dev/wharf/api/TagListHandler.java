package dev.wharf.api;

import dev.wharf.registry.ListingService;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /v2/<name>/tags/list}: the repository's tags in lexical order, paginated with {@code n}, {@code last}, {@code Link}. */
final class TagListHandler {
    private final ListingService listings;

    TagListHandler(ListingService listings) {
        this.listings = listings;
    }

    Future<Void> handle(RoutingContext ctx, ApiRoute route) {
        Http.requireRead(ctx);
        Page page = Page.of(ctx, Page.TAGS);
        return listings.tags(route.name(), page.last(), page.probeSize()).compose(tags -> {
            List<String> shown = page.finish(ctx, "/v2/" + route.name() + "/tags/list", tags);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", route.name().value());
            body.put("tags", shown);
            return Json.send(ctx, "application/json", body);
        });
    }
}
