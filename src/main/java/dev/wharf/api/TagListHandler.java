package dev.wharf.api;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import dev.wharf.storage.Storage;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.concurrent.Callable;
import java.util.List;
import java.util.Map;

/** {@code GET /v2/<name>/tags/list}: the repository's tags in lexical order, paginated with {@code n}, {@code last}, {@code Link}. */
final class TagListHandler {
    private final Vertx vertx;
    private final Storage storage;

    TagListHandler(Vertx vertx, Storage storage) {
        this.vertx = vertx;
        this.storage = storage;
    }

    void handle(RoutingContext ctx, ApiRoute route) {
        Http.requireRead(ctx);
        Page page = Page.of(ctx, Page.TAGS);
        Callable<List<String>> read = () -> {
            if (!storage.repositories().exists(route.name())) {
                throw RegistryException.of(ErrorCode.NAME_UNKNOWN, "repository name not known to registry");
            }
            return storage.manifests().tags(route.name(), page.last(), page.probeSize());
        };
        // In memory already (the usual case): answer on the event loop without a thread hop.
        boolean inMemory = storage.repositories().isScanned() && storage.manifests().isIndexed(route.name());
        Work.run(vertx, inMemory, read).onSuccess(tags -> {
            List<String> shown = page.finish(ctx, "/v2/" + route.name() + "/tags/list", tags);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", route.name().value());
            body.put("tags", shown);
            Json.send(ctx, "application/json", body);
        }).onFailure(err -> ErrorResponses.send(ctx, err));
    }
}
