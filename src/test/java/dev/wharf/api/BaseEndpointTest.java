package dev.wharf.api;

import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;

class BaseEndpointTest {
    static TestRegistry registry;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void versionCheckAnswers200WithTheApiVersionHeader() {
        registry.given().get("/v2/").then().statusCode(200)
                .header("Docker-Distribution-API-Version", "registry/2.0")
                .body(equalTo("{}"));
    }

    @Test
    void versionCheckWithoutTrailingSlashAlsoAnswers() {
        registry.given().get("/v2").then().statusCode(200);
    }

    @Test
    void unknownEndpointUnderV2Is404WithAnErrorBody() {
        registry.given().get("/v2/library/app/nothing-here").then().statusCode(404)
                .body("errors[0].code", equalTo("NAME_UNKNOWN"));
    }
}
