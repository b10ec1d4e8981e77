package dev.wharf.api;

import dev.wharf.registry.ListingService;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;

/** {@code GET /v2/_catalog}: the repositories the caller may pull, in lexical order, paginated like tags. */
final class CatalogHandler {
    private final ListingService listings;
    private final AccessCheck access;

    CatalogHandler(ListingService listings, AccessCheck access) {
        this.listings = listings;
        this.access = access;
    }

    Future<Void> handle(RoutingContext ctx) {
        Http.requireRead(ctx);
        Page page = Page.of(ctx, Page.CATALOG);
        return listings.repositories(page.last(), page.probeSize(), repository -> access.mayPull(ctx, repository))
                .compose(names -> {
                    List<String> shown = page.finish(ctx, "/v2/_catalog", names);
                    return Json.send(ctx, "application/json", Map.of("repositories", shown));
                });
    }
}
