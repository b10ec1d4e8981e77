package dev.wharf.api;

import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.Storage;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code GET /v2/_catalog}: the repositories the caller may pull, in lexical order, paginated like tags. */
final class CatalogHandler {
    private final Vertx vertx;
    private final Storage storage;
    private final AccessCheck access;

    CatalogHandler(Vertx vertx, Storage storage, AccessCheck access) {
        this.vertx = vertx;
        this.storage = storage;
        this.access = access;
    }

    void handle(RoutingContext ctx) {
        Http.requireRead(ctx);
        Page page = Page.of(ctx, Page.CATALOG);
        Work.run(vertx, storage.repositories().isScanned(), () -> visible(ctx, page)).onSuccess(names -> {
            List<String> shown = page.finish(ctx, "/v2/_catalog", names);
            Json.send(ctx, "application/json", Map.of("repositories", shown));
        }).onFailure(err -> ErrorResponses.send(ctx, err));
    }

    /** One more than a page of the names after {@code last} that the caller may pull. */
    private List<String> visible(RoutingContext ctx, Page page) {
        List<String> names = new ArrayList<>();
        String last = page.last();
        while (names.size() < page.probeSize()) {
            List<String> batch = storage.repositories().list(last, page.probeSize());
            if (batch.isEmpty()) {
                break;
            }
            for (String name : batch) {
                if (names.size() < page.probeSize() && access.mayPull(ctx, RepositoryName.parse(name))) {
                    names.add(name);
                }
            }
            last = batch.get(batch.size() - 1);
        }
        return names;
    }
}
