package dev.wharf.api;

import dev.wharf.manifest.MediaTypes;
import dev.wharf.testing.Images;
import dev.wharf.testing.RegistryTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.emptyIterable;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

class TagListTest extends RegistryTest {
    private static final String REPO = "team/tagged";

    @BeforeAll
    static void pushTags() {
        Images.Image image = Images.push(registry, REPO, "b", 1);
        for (String tag : new String[]{"a", "C", "d", "a1"}) {
            Images.put(registry, REPO, tag, MediaTypes.OCI_MANIFEST, image.manifest());
        }
    }

    @Test
    void tagsAreListedInLexicalOrder() {
        registry.given().get("/v2/" + REPO + "/tags/list").then().statusCode(200)
                .body("name", equalTo(REPO)).body("tags", contains("C", "a", "a1", "b", "d"))
                .header("Link", nullValue());
    }

    @Test
    void nLimitsThePageAndLinkPointsAtTheNext() {
        registry.given().get("/v2/" + REPO + "/tags/list?n=2").then().statusCode(200)
                .body("tags", contains("C", "a"))
                .header("Link", "</v2/" + REPO + "/tags/list?n=2&last=a>; rel=\"next\"");
        registry.given().get("/v2/" + REPO + "/tags/list?n=2&last=a").then().statusCode(200)
                .body("tags", contains("a1", "b"))
                .header("Link", "</v2/" + REPO + "/tags/list?n=2&last=b>; rel=\"next\"");
        registry.given().get("/v2/" + REPO + "/tags/list?n=2&last=b").then().statusCode(200)
                .body("tags", contains("d")).header("Link", nullValue());
    }

    @Test
    void lastAloneStartsAfterIt() {
        registry.given().get("/v2/" + REPO + "/tags/list?last=a1").then().statusCode(200).body("tags", contains("b", "d"));
        registry.given().get("/v2/" + REPO + "/tags/list?last=d").then().statusCode(200).body("tags", emptyIterable());
    }

    @Test
    void nZeroAnswersAnEmptyList() {
        registry.given().get("/v2/" + REPO + "/tags/list?n=0").then().statusCode(200).body("tags", emptyIterable());
    }

    @Test
    void unknownRepositoryIsNameUnknown() {
        registry.given().get("/v2/team/nothing/tags/list").then().statusCode(404)
                .body("errors[0].code", equalTo("NAME_UNKNOWN"));
    }

    @Test
    void invalidNIs400() {
        registry.given().get("/v2/" + REPO + "/tags/list?n=abc").then().statusCode(400);
        registry.given().get("/v2/" + REPO + "/tags/list?n=-1").then().statusCode(400);
    }
}
