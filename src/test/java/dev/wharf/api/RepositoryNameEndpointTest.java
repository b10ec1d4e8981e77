package dev.wharf.api;

import dev.wharf.testing.Blobs;
import dev.wharf.testing.Images;
import dev.wharf.testing.RawHttp;
import dev.wharf.testing.RegistryTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepositoryNameEndpointTest extends RegistryTest {

    @Tag("filesystem-layout") // looks at files under the storage root
    @Test
    void multiSegmentNamesWorkForBlobsManifestsAndTags() {
        Images.Image image = Images.push(registry, "team/app/api", "v1", 1);
        registry.given().get("/v2/team/app/api/manifests/v1").then().statusCode(200)
                .header("Docker-Content-Digest", image.digest());
        registry.given().head("/v2/team/app/api/blobs/" + image.layer()).then().statusCode(200);
        registry.given().get("/v2/team/app/api/tags/list").then().statusCode(200)
                .body("name", equalTo("team/app/api")).body("tags[0]", equalTo("v1"));
        assertTrue(Files.isDirectory(registry.root().resolve("repositories/team/app/api")));
    }

    /** Each of these, sent verbatim, is refused as NAME_INVALID and creates nothing anywhere. */
    @ParameterizedTest
    @ValueSource(strings = {
            "..", "../escape-dots", "a/../../escape-up", "%2e%2e/escape-encoded", "a%2Fescape-slash", "a%2fb",
            "Upper/case", "a//b", "/leading", "trailing/", "a/./b", "-dash", "a_", ".hidden", "a/_layers"})
    void badNameIsNameInvalidAndTouchesNothing(String name) throws IOException {
        Path outside = registry.root().getParent();
        List<Path> before = tree(registry.root());
        for (String request : new String[]{"POST /v2/" + name + "/blobs/uploads/", "GET /v2/" + name + "/tags/list",
                "PUT /v2/" + name + "/manifests/latest", "GET /v2/" + name + "/blobs/" + Blobs.sha256(new byte[0])}) {
            String[] parts = request.split(" ", 2);
            RawHttp.Response response = RawHttp.exchange(registry, parts[0], parts[1]);
            assertEquals(400, response.status(), request + " answered " + response.text());
            assertTrue(response.text().contains("NAME_INVALID"), response.text());
        }
        assertEquals(before, tree(registry.root()), "a bad name changed the storage tree");
        assertFalse(Files.exists(outside.resolve("escape-dots")));
        assertFalse(Files.exists(outside.resolve("escape-up")));
    }

    @Test
    void nameOver255CharactersIsInvalid() {
        String longName = "a".repeat(120) + "/" + "b".repeat(135);
        registry.given().post("/v2/" + longName + "/blobs/uploads/").then().statusCode(400)
                .body("errors[0].code", equalTo("NAME_INVALID"));
        String limit = "a".repeat(120) + "/" + "b".repeat(134);
        registry.given().post("/v2/" + limit + "/blobs/uploads/").then().statusCode(202);
    }

    private static List<Path> tree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !p.startsWith(dir.resolve("tmp"))).sorted().toList();
        }
    }

    @Test
    void namesThatContainEndpointKeywordsAreParsedFromTheEnd() {
        for (String name : new String[]{"team/blobs/uploads", "team/manifests", "x/tags", "a/referrers/b"}) {
            Images.Image image = Images.push(registry, name, "v1", name.length());
            registry.given().get("/v2/" + name + "/manifests/v1").then().statusCode(200)
                    .header("Docker-Content-Digest", image.digest());
            registry.given().get("/v2/" + name + "/tags/list").then().statusCode(200).body("name", equalTo(name));
            registry.given().head("/v2/" + name + "/blobs/" + image.layer()).then().statusCode(200);
        }
    }
}
