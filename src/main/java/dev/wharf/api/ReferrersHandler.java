package dev.wharf.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.manifest.MediaTypes;
import dev.wharf.oci.Digest;
import dev.wharf.storage.Storage;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;

/**
 * {@code GET /v2/<name>/referrers/<digest>}: an image index of the manifests whose subject is the digest,
 * optionally filtered by {@code artifactType}. Answered from the referrer records written at push time.
 */
final class ReferrersHandler {
    private final Vertx vertx;
    private final Storage storage;

    ReferrersHandler(Vertx vertx, Storage storage) {
        this.vertx = vertx;
        this.storage = storage;
    }

    void handle(RoutingContext ctx, ApiRoute route) {
        Http.requireRead(ctx);
        Digest subject = Digest.parse(route.reference());
        String artifactType = ctx.request().getParam("artifactType");
        vertx.executeBlocking(() -> {
            ObjectNode index = Json.MAPPER.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
            ArrayNode manifests = index.putArray("manifests");
            for (byte[] descriptor : storage.manifests().referrers(route.name(), subject)) {
                JsonNode node = read(descriptor);
                if (artifactType == null || artifactType.equals(node.path("artifactType").asText(null))) {
                    manifests.add(node);
                }
            }
            return index;
        }, false).onSuccess(index -> {
            if (artifactType != null) {
                ctx.response().putHeader("OCI-Filters-Applied", "artifactType");
            }
            Json.send(ctx, MediaTypes.OCI_INDEX, index);
        }).onFailure(err -> ErrorResponses.send(ctx, err));
    }

    private static JsonNode read(byte[] descriptor) throws IOException {
        return Json.MAPPER.readTree(descriptor);
    }
}
