package dev.wharf.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.TestImages;
import dev.wharf.testing.TestRegistry;
import io.restassured.RestAssured;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    private static String scrape(TestRegistry registry) {
        return registry.given().get("/metrics").then().statusCode(200)
                .contentType("text/plain; version=0.0.4; charset=utf-8").extract().asString();
    }

    /** The value of the first sample whose line starts with {@code name{} and holds every one of {@code labels}. */
    static double sample(String scrape, String name, String... labels) {
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    @Test
    void aScrapeAfterAPushAndAPullShowsTheRequestsThatHappenedByRouteKindNotByPath() {
        try (TestRegistry registry = TestRegistry.start()) {
            TestImages images = new TestImages(registry);
            TestImages.Image image = images.pushImage("metrics/app", "v1", images.randomBytes(3000));
            registry.given().get("/v2/metrics/app/manifests/v1").then().statusCode(200);
            registry.given().get("/v2/metrics/app/manifests/v1").then().statusCode(200);
            registry.given().get("/v2/metrics/app/blobs/" + image.layers().get(0)).then().statusCode(200);

            String scrape = scrape(registry);
            assertEquals(1.0, sample(scrape, "wharf_http_requests_total", "route=\"manifest\"", "method=\"PUT\"", "status=\"201\""));
            assertEquals(2.0, sample(scrape, "wharf_http_requests_total", "route=\"manifest\"", "method=\"GET\"", "status=\"200\""));
            assertEquals(1.0, sample(scrape, "wharf_http_requests_total", "route=\"blob\"", "method=\"GET\"", "status=\"200\""));
            assertEquals(2.0, sample(scrape, "wharf_http_request_duration_seconds_count", "route=\"manifest\"", "method=\"GET\""));
            // the layer went up in a monolithic POST or a PATCH/PUT, as TestImages pushes it
            double pushed = orZero(sample(scrape, "wharf_http_received_bytes_total", "route=\"upload_start\""))
                    + orZero(sample(scrape, "wharf_http_received_bytes_total", "route=\"upload\""));
            assertTrue(pushed >= 3000, "bytes received: " + pushed);
            assertTrue(sample(scrape, "wharf_http_sent_bytes_total", "route=\"blob\"") >= 3000);
            assertEquals(0.0, sample(scrape, "wharf_uploads_in_progress"));
            assertTrue(sample(scrape, "jvm_memory_used_bytes", "area=\"heap\"") > 0, "JVM metrics are there");
            assertTrue(sample(scrape, "process_cpu_usage") >= 0, "process metrics are there");
            // no repository name and no digest ever becomes a label
            assertFalse(scrape.contains("metrics/app"), "a repository name in the metrics");
            assertFalse(scrape.contains(image.manifest().hex()), "a digest in the metrics");
        }
    }

    @Test
    void theStoreIsMeasuredAndAGarbageCollectionIsCounted() throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            new TestImages(registry).pushBlob("metrics/gc", new byte[] {1, 2, 3});
            registry.given().post("/_wharf/gc").then().statusCode(200);
            String scrape = scrape(registry);
            assertEquals(1.0, sample(scrape, "wharf_gc_runs_total"));
            assertTrue(sample(scrape, "wharf_gc_last_run_timestamp_seconds") > 1.7e9);
            // measured at the start, on a worker thread: a number, not NaN, once that has run
            dev.wharf.testing.Poll.until("the store was measured", java.time.Duration.ofSeconds(10),
                    () -> !Double.isNaN(sample(scrape(registry), "wharf_storage_blobs")));
            assertTrue(sample(scrape(registry), "wharf_storage_physical_bytes") >= 0);
        }
    }

    @Test
    void metricsOnAListenerOfTheirOwnAreNotOnTheRegistryPort() {
        try (TestRegistry registry = TestRegistry.start(c -> c.withObservability(
                new WharfConfig.Observability(true, "127.0.0.1:0", "", "5m", "0s")))) {
            registry.given().get("/v2/").then().statusCode(200);
            registry.given().get("/metrics").then().statusCode(404);
            String scrape = RestAssured.given().baseUri("http://127.0.0.1").port(registry.server().metricsPort())
                    .get("/metrics").then().statusCode(200).extract().asString();
            assertEquals(1.0, sample(scrape, "wharf_http_requests_total", "route=\"base\"", "status=\"200\""));
        }
    }

    @Test
    void metricsOffServesNoScrape() {
        try (TestRegistry registry = TestRegistry.start(c -> c.withObservability(
                new WharfConfig.Observability(false, "", "", "5m", "0s")))) {
            registry.given().get("/metrics").then().statusCode(404);
            registry.given().get("/livez").then().statusCode(200);
        }
    }
}
