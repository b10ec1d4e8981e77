package dev.wharf.api;

import dev.wharf.error.Problem;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.RepositoryName;
import io.vertx.core.http.HttpMethod;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request of the registry API, recognised from the raw (still percent-encoded) path. Names may have
 * several segments, so the path is matched from its end: the last {@code /manifests/}, {@code /blobs/} ...
 * decides, and everything before it is the repository name, which is then checked against the grammar.
 *
 * @param kind      which endpoint
 * @param name      the repository, or null for {@code /v2/} and {@code /v2/_catalog}
 * @param reference the tag, digest or upload id after the endpoint's keyword, as sent
 */
public record ApiRoute(Kind kind, HttpMethod method, RepositoryName name, String reference) {

    public enum Kind { BASE, CATALOG, TAGS, MANIFEST, BLOB, UPLOAD_START, UPLOAD, REFERRERS, SEARCH }

    /** What a request does to a repository, as access control sees it. */
    public enum Action { PULL, PUSH, DELETE, NONE }

    private static final Pattern UPLOADS = Pattern.compile("^/v2/(.+)/blobs/uploads(?:/([^/]*))?$");
    private static final Pattern ITEM = Pattern.compile("^/v2/(.+)/(manifests|blobs|referrers)/([^/]+)$");
    private static final Pattern TAGS = Pattern.compile("^/v2/(.+)/tags/list$");

    /** Parses the path; null when it is not part of the registry API at all. */
    public static ApiRoute match(HttpMethod method, String rawPath) {
        if (rawPath.equals("/v2/") || rawPath.equals("/v2")) {
            return new ApiRoute(Kind.BASE, method, null, null);
        }
        if (rawPath.equals("/v1/search")) {
            // Docker's search API (docker search HOST/term); the rest of v1 is long gone from every client
            return new ApiRoute(Kind.SEARCH, method, null, null);
        }
        if (!rawPath.startsWith("/v2/")) {
            return null;
        }
        if (rawPath.equals("/v2/_catalog")) {
            return new ApiRoute(Kind.CATALOG, method, null, null);
        }
        Matcher m = UPLOADS.matcher(rawPath);
        if (m.matches()) {
            String id = m.group(2);
            boolean start = id == null || id.isEmpty();
            return new ApiRoute(start ? Kind.UPLOAD_START : Kind.UPLOAD, method, name(m.group(1)), start ? null : id);
        }
        m = ITEM.matcher(rawPath);
        if (m.matches()) {
            Kind kind = switch (m.group(2)) {
                case "manifests" -> Kind.MANIFEST;
                case "blobs" -> Kind.BLOB;
                default -> Kind.REFERRERS;
            };
            return new ApiRoute(kind, method, name(m.group(1)), m.group(3));
        }
        m = TAGS.matcher(rawPath);
        if (m.matches()) {
            return new ApiRoute(Kind.TAGS, method, name(m.group(1)), null);
        }
        // Under /v2/ but no endpoint: a malformed name or path. Say so without echoing much of it.
        throw RegistryException.of(Problem.ENDPOINT_UNKNOWN, "no such registry endpoint");
    }

    private static RepositoryName name(String raw) {
        return RepositoryName.parse(raw);
    }

    /** The same request, for the repository {@code other} (a cached name's local name). */
    public ApiRoute withName(RepositoryName other) {
        return new ApiRoute(kind, method, other, reference);
    }

    /** The access this request needs on {@link #name()}. */
    public Action action() {
        if (name == null) {
            return Action.NONE;
        }
        return switch (kind) {
            case UPLOAD_START, UPLOAD -> Action.PUSH;
            case MANIFEST, BLOB -> method == HttpMethod.DELETE ? Action.DELETE
                    : method == HttpMethod.PUT ? Action.PUSH : Action.PULL;
            default -> Action.PULL;
        };
    }
}
