package dev.wharf.api;

import dev.wharf.oci.RepositoryName;
import io.vertx.ext.web.RoutingContext;

/**
 * Asks whether the caller of a request may pull from a repository other than the one in its URL: the
 * source of a cross-repository mount, or an entry of the catalog. Without authentication everyone may.
 */
public interface AccessCheck {
    AccessCheck ALLOW_ALL = (ctx, repository) -> true;

    boolean mayPull(RoutingContext ctx, RepositoryName repository);
}
