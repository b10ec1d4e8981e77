package dev.wharf.api;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.Problem;
import dev.wharf.error.RegistryException;
import dev.wharf.registry.SearchResult;
import dev.wharf.registry.SearchService;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/search?q=<term>&n=<limit>}, which {@code docker search HOST/term} sends: the repositories whose
 * name contains the term and that the caller may pull, in Docker Hub's answer format. Distribution, zot and
 * Harbor do not answer it.
 */
final class SearchHandler {
    static final int DEFAULT_LIMIT = 25;
    static final int MAX_LIMIT = 100;
    /** A term longer than the longest repository name can match nothing. */
    private static final int MAX_TERM = 255;

    private final SearchService search;
    private final AccessCheck access;

    SearchHandler(SearchService search, AccessCheck access) {
        this.search = search;
        this.access = access;
    }

    Future<Void> handle(RoutingContext ctx) {
        Http.requireRead(ctx);
        String term = term(ctx.request().getParam("q"));
        int limit = limit(ctx.request().getParam("n"));
        return search.search(term, limit, repository -> access.mayPull(ctx, repository)).compose(found -> {
            List<Map<String, Object>> results = new ArrayList<>();
            for (SearchResult.Match match : found.matches()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("name", match.name());
                result.put("description", match.description() == null ? "" : match.description());
                result.put("star_count", 0);
                result.put("is_official", false);
                result.put("is_automated", false);
                results.add(result);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("num_results", found.total());
            body.put("num_pages", found.total() == 0 ? 0 : (found.total() + limit - 1) / limit);
            body.put("page", 1);
            body.put("page_size", limit);
            body.put("query", term);
            body.put("results", results);
            return Json.send(ctx, "application/json", body);
        });
    }

    /** The term, trimmed: required, printable, at most 255 characters. */
    private static String term(String q) {
        String term = q == null ? "" : q.trim();
        if (term.isEmpty()) {
            throw RegistryException.of(Problem.REQUEST_MALFORMED, "the search term q is required");
        }
        if (term.length() > MAX_TERM) {
            throw RegistryException.of(Problem.REQUEST_MALFORMED, "the search term q is longer than " + MAX_TERM + " characters");
        }
        for (int i = 0; i < term.length(); i++) {
            if (Character.isISOControl(term.charAt(i))) {
                throw RegistryException.of(Problem.REQUEST_MALFORMED, "the search term q holds a control character");
            }
        }
        return term;
    }

    /** {@code n}: 25 when absent, at most 100 (Docker Hub's bound; more is answered as 100). */
    private static int limit(String n) {
        if (n == null || n.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(n);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1) {
            throw RegistryException.of(ErrorCode.PAGINATION_NUMBER_INVALID, "n must be a number from 1 to " + MAX_LIMIT);
        }
        return Math.min(limit, MAX_LIMIT);
    }
}
