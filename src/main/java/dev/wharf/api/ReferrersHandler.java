package dev.wharf.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.manifest.MediaTypes;
import dev.wharf.oci.Digest;
import dev.wharf.mirror.CacheTarget;
import dev.wharf.mirror.PullThrough;
import dev.wharf.registry.ListingService;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * {@code GET /v2/<name>/referrers/<digest>}: an image index of the manifests whose subject is the digest,
 * optionally filtered by {@code artifactType}.
 */
final class ReferrersHandler {
    private final ListingService listings;
    private final PullThrough pullThrough;

    ReferrersHandler(ListingService listings, PullThrough pullThrough) {
        this.listings = listings;
        this.pullThrough = pullThrough;
    }

    /** @param cached the upstream when the name is a pull-through cache's, else null */
    Future<Void> handle(RoutingContext ctx, ApiRoute route, CacheTarget cached) {
        Http.requireRead(ctx);
        Digest subject = Digest.parse(route.reference());
        String artifactType = ctx.request().getParam("artifactType");
        Future<List<JsonNode>> found = cached == null ? listings.referrers(route.name(), subject, artifactType)
                : pullThrough.referrers(cached, subject, artifactType);
        return found.compose(descriptors -> {
            ObjectNode index = Json.MAPPER.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
            index.putArray("manifests").addAll(descriptors);
            if (artifactType != null) {
                ctx.response().putHeader("OCI-Filters-Applied", "artifactType");
            }
            return Json.send(ctx, MediaTypes.OCI_INDEX, index);
        });
    }
}
