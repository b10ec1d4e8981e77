package dev.wharf.api;

import dev.wharf.config.WharfConfig;
import dev.wharf.error.ErrorCode;
import dev.wharf.error.Problem;
import dev.wharf.error.RegistryException;
import dev.wharf.mirror.CacheTarget;
import dev.wharf.mirror.Mirror;
import dev.wharf.mirror.MirrorRoutes;
import dev.wharf.mirror.PullThrough;
import dev.wharf.registry.Registry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * The registry's HTTP surface. Every request first has its path parsed into an {@link ApiRoute}
 * (so no handler sees an unchecked name or digest), then passes the gates (authentication and access
 * control, when configured), then reaches the handler of its endpoint.
 */
public final class RegistryApi {
    /** Where the parsed route is kept on the routing context, for gates and handlers. */
    public static final String ROUTE = "wharf.route";
    /** Where the upstream of a request for a cached name is kept on the routing context (absent: local). */
    static final String CACHE_TARGET = "wharf.cacheTarget";
    static final String API_VERSION = "registry/2.0";

    private final BlobHandler blobs;
    private final UploadHandler uploads;
    private final ManifestHandler manifests;
    private final TagListHandler tags;
    private final CatalogHandler catalog;
    private final ReferrersHandler referrers;
    private final SearchHandler search;
    private final MirrorRoutes mirrorRoutes;

    /** @param mirror the pull-through cache, or null without one */
    public RegistryApi(Vertx vertx, Registry registry, WharfConfig config, AccessCheck access, Mirror mirror) {
        PullThrough pullThrough = mirror == null ? null : mirror.pullThrough();
        this.mirrorRoutes = mirror == null ? null : mirror.routes();
        this.blobs = new BlobHandler(registry.blobs(), pullThrough, new UrlRelay(vertx, config.storage()));
        this.uploads = new UploadHandler(vertx, registry.uploads(), access);
        this.manifests = new ManifestHandler(registry.manifests(), pullThrough, config.manifests().maxBytes());
        this.tags = new TagListHandler(registry.listings(), pullThrough);
        this.catalog = new CatalogHandler(registry.listings(), access);
        this.referrers = new ReferrersHandler(registry.listings(), pullThrough);
        this.search = new SearchHandler(registry.search(), access);
    }

    /** The router: route parsing, then each gate in order, then the endpoint handlers. */
    public Router router(Vertx vertx, List<Handler<RoutingContext>> gates) {
        Router router = Router.router(vertx);
        router.route().handler(this::parse);
        for (Handler<RoutingContext> gate : gates) {
            router.route().handler(gate);
        }
        router.route().handler(this::dispatch);
        router.route().failureHandler(ErrorResponses::failed);
        return router;
    }

    public static ApiRoute route(RoutingContext ctx) {
        return ctx.get(ROUTE);
    }

    private void parse(RoutingContext ctx) {
        if (Http.carriesBody(ctx.request().method())) {
            // Bodies are read only once a handler knows where they go; until then they wait in the socket.
            // Whatever is left unread when the answer goes out is drained, so the connection stays usable.
            // Reads (the hot path) skip the pause entirely: there is nothing to hold back.
            ctx.request().pause();
            ctx.addHeadersEndHandler(v -> {
                if (!ctx.request().isEnded()) {
                    ctx.request().resume();
                }
            });
        }
        ctx.response().putHeader("Docker-Distribution-API-Version", API_VERSION);
        ApiRoute route = ApiRoute.match(ctx.request().method(), ctx.request().path());
        if (route == null) {
            throw RegistryException.of(Problem.NOT_FOUND, "not found");
        }
        if (mirrorRoutes != null && route.name() != null) {
            // Routed before the gates, so that access control checks the name the content is kept under.
            CacheTarget target = mirrorRoutes.route(route.name(), ctx.request().getParam("ns"), route.action() == ApiRoute.Action.PUSH);
            if (target != null) {
                route = route.withName(target.localName());
                ctx.put(CACHE_TARGET, target);
            }
        }
        ctx.put(ROUTE, route);
        ctx.next();
    }

    /**
     * Hands the request to its endpoint's handler, and answers any failure with the spec's error body: a failed
     * future, and a throw, whether from the handler itself or from a callback inside its chain (futures turn those
     * into failures), so no request is left hanging.
     */
    private void dispatch(RoutingContext ctx) {
        Future<Void> done;
        try {
            done = handle(ctx, route(ctx));
        } catch (RuntimeException e) {
            done = Future.failedFuture(e);
        }
        done.onFailure(err -> ErrorResponses.send(ctx, err));
    }

    private Future<Void> handle(RoutingContext ctx, ApiRoute route) {
        CacheTarget cached = ctx.get(CACHE_TARGET);
        if (cached != null && route.action() == ApiRoute.Action.PUSH) {
            throw RegistryException.of(ErrorCode.DENIED, route.name() + " is a pull-through cache of " + cached.upstream().name()
                    + " and takes no pushes; push to a name no upstream claims");
        }
        return switch (route.kind()) {
            case BASE -> base(ctx);
            case BLOB -> blobs.handle(ctx, route, cached);
            case UPLOAD_START -> uploads.start(ctx, route);
            case UPLOAD -> uploads.handle(ctx, route);
            case MANIFEST -> manifests.handle(ctx, route, cached);
            case TAGS -> tags.handle(ctx, route, cached);
            case CATALOG -> catalog.handle(ctx);
            case REFERRERS -> referrers.handle(ctx, route, cached);
            case SEARCH -> search.handle(ctx);
        };
    }

    private static Future<Void> base(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            throw Http.methodNotAllowed();
        }
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Content-Length", "2");
        return method == HttpMethod.HEAD ? ctx.response().end() : ctx.response().end("{}");
    }
}
