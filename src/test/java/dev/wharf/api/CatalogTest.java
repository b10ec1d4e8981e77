package dev.wharf.api;

import dev.wharf.testing.Blobs;
import dev.wharf.testing.RegistryTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.nullValue;

class CatalogTest extends RegistryTest {

    @BeforeAll
    static void pushRepositories() {
        for (String repo : new String[]{"zeta", "alpha/one", "alpha", "mid/x/y"}) {
            Blobs.push(registry, repo, Blobs.content(10, repo.length()));
        }
    }

    @Test
    void catalogListsRepositoriesInLexicalOrder() {
        registry.given().get("/v2/_catalog").then().statusCode(200)
                .body("repositories", contains("alpha", "alpha/one", "mid/x/y", "zeta")).header("Link", nullValue());
    }

    @Test
    void catalogIsPaginatedWithNLastAndLink() {
        registry.given().get("/v2/_catalog?n=3").then().statusCode(200)
                .body("repositories", contains("alpha", "alpha/one", "mid/x/y"))
                .header("Link", "</v2/_catalog?n=3&last=mid%2Fx%2Fy>; rel=\"next\"");
        registry.given().get("/v2/_catalog?n=3&last=mid%2Fx%2Fy").then().statusCode(200)
                .body("repositories", contains("zeta")).header("Link", nullValue());
    }

    @Test
    void invalidNIs400() {
        registry.given().get("/v2/_catalog?n=x").then().statusCode(400);
    }
}
