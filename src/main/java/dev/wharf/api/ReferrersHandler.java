package dev.wharf.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.manifest.MediaTypes;
import dev.wharf.oci.Digest;
import dev.wharf.registry.ListingService;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v2/<name>/referrers/<digest>}: an image index of the manifests whose subject is the digest,
 * optionally filtered by {@code artifactType}.
 */
final class ReferrersHandler {
    private final ListingService listings;

    ReferrersHandler(ListingService listings) {
        this.listings = listings;
    }

    Future<Void> handle(RoutingContext ctx, ApiRoute route) {
        Http.requireRead(ctx);
        Digest subject = Digest.parse(route.reference());
        String artifactType = ctx.request().getParam("artifactType");
        return listings.referrers(route.name(), subject, artifactType).compose(descriptors -> {
            ObjectNode index = Json.MAPPER.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
            index.putArray("manifests").addAll(descriptors);
            if (artifactType != null) {
                ctx.response().putHeader("OCI-Filters-Applied", "artifactType");
            }
            return Json.send(ctx, MediaTypes.OCI_INDEX, index);
        });
    }
}
