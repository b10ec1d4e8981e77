package dev.wharf.api;

import dev.wharf.testing.Blobs;
import dev.wharf.testing.RegistryTest;
import dev.wharf.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * {@code GET /v1/search}, what {@code docker search} sends: substring matches on repository names, bounded
 * {@code n}, descriptions from the newest image, Docker Hub's answer format, and clear 400s for bad input.
 */
class SearchEndpointTest extends RegistryTest {
    private static TestImages images;

    @BeforeAll
    static void push() {
        images = new TestImages(registry);
        images.pushImage("search/alpha-app", "v1", images.randomBytes(100));
        images.pushImage("search/beta-app", "v1", images.randomBytes(100));
        images.pushImage("search/gamma-tool", "v1", images.randomBytes(100));
        for (int i = 0; i < 30; i++) {
            Blobs.push(registry, String.format("search/many/%02d-svc", i), Blobs.content(10, i));
        }
    }

    @Test
    void aTermMatchesRepositoryNamesAsASubstringIgnoringCase() {
        registry.given().get("/v1/search?q=APP").then().statusCode(200).contentType("application/json")
                .body("query", equalTo("APP"))
                .body("num_results", equalTo(2))
                .body("results.name", equalTo(List.of("search/alpha-app", "search/beta-app")))
                .body("results[0].star_count", equalTo(0))
                .body("results[0].is_official", equalTo(false))
                .body("results[0].is_automated", equalTo(false));
    }

    @Test
    void aTermWithASlashMatchesAcrossComponents() {
        registry.given().get("/v1/search?q=search/gamma").then().statusCode(200)
                .body("results.name", equalTo(List.of("search/gamma-tool")));
    }

    @Test
    void nBoundsTheResultsButNotTheCountAndDefaultsTo25() {
        registry.given().get("/v1/search?q=-svc").then().statusCode(200)
                .body("num_results", equalTo(30)).body("results", hasSize(25)).body("page_size", equalTo(25));
        registry.given().get("/v1/search?q=-svc&n=5").then().statusCode(200)
                .body("num_results", equalTo(30)).body("results", hasSize(5))
                .body("results[0].name", equalTo("search/many/00-svc"));
        registry.given().get("/v1/search?q=-svc&n=100000").then().statusCode(200)
                .body("page_size", equalTo(100)).body("results", hasSize(30));
    }

    @Test
    void theDescriptionComesFromTheNewestImagesAnnotationOrConfigLabel() {
        String description = "a tiny described image";
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":"
                + "{\"org.opencontainers.image.description\":\"from the label\"}}}").getBytes(StandardCharsets.UTF_8);
        String configDigest = Blobs.push(registry, "search/described", config);
        String labelled = "{\"schemaVersion\":2,\"mediaType\":\"" + TestImages.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length
                + "},\"layers\":[]}";
        images.tryPushManifest("search/described", "old", TestImages.OCI_MANIFEST, labelled.getBytes(StandardCharsets.UTF_8))
                .then().statusCode(201);
        registry.given().get("/v1/search?q=described").then().statusCode(200)
                .body("results[0].description", equalTo("from the label"));

        String annotated = labelled.substring(0, labelled.length() - 1)
                + ",\"annotations\":{\"org.opencontainers.image.description\":\"" + description + "\"}}";
        images.tryPushManifest("search/described", "new", TestImages.OCI_MANIFEST, annotated.getBytes(StandardCharsets.UTF_8))
                .then().statusCode(201);
        registry.given().get("/v1/search?q=described").then().statusCode(200)
                .body("results[0].description", equalTo(description));
    }

    @Test
    void aRepositoryWithoutADescriptionHasAnEmptyOne() {
        registry.given().get("/v1/search?q=gamma").then().statusCode(200).body("results[0].description", equalTo(""));
    }

    @Test
    void badInputIsAClear400() {
        registry.given().get("/v1/search").then().statusCode(400).body("errors[0].message", equalTo("the search term q is required"));
        registry.given().get("/v1/search?q=").then().statusCode(400);
        registry.given().get("/v1/search?q=%20%20").then().statusCode(400);
        registry.given().get("/v1/search?q=a%00b").then().statusCode(400)
                .body("errors[0].message", equalTo("the search term q holds a control character"));
        registry.given().get("/v1/search?q=" + "a".repeat(256)).then().statusCode(400);
        registry.given().get("/v1/search?q=app&n=0").then().statusCode(400).body("errors[0].code", equalTo("PAGINATION_NUMBER_INVALID"));
        registry.given().get("/v1/search?q=app&n=-3").then().statusCode(400);
        registry.given().get("/v1/search?q=app&n=99999999999999").then().statusCode(400);
        registry.given().get("/v1/search?q=app&n=ten").then().statusCode(400);
        registry.given().post("/v1/search?q=app").then().statusCode(405);
    }

    @Test
    void noMatchIsAnEmptyList() {
        registry.given().get("/v1/search?q=nothing-has-this").then().statusCode(200)
                .body("num_results", equalTo(0)).body("results", hasSize(0));
    }
}
