package dev.wharf.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.config.WharfConfig;
import dev.wharf.manifest.MediaTypes;
import dev.wharf.testing.Images;
import dev.wharf.testing.TestRegistry;
import dev.wharf.testing.TestStorage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the registry's webhooks send, through the real API: one event per push, pull and delete, with its fields. */
class WebhookDeliveryTest {
    private static final String REPO = "team/app";

    @Test
    void aPushDeliversOneCloudEventNamingTheManifest() {
        try (WebhookReceiver receiver = WebhookReceiver.start();
             TestRegistry registry = Endpoints.registry(Endpoints.to(receiver.url("/hook")))) {
            Images.Image image = Images.push(registry, REPO, "1.0", 1);

            WebhookReceiver.Request request = receiver.awaitDelivered(1).get(0);
            assertEquals("application/cloudevents+json", request.header("Content-Type"));
            assertTrue(request.header("User-Agent").startsWith("Wharf/"), request.header("User-Agent"));
            JsonNode event = request.json();
            assertEquals("1.0", event.path("specversion").asText());
            assertEquals("dev.wharf.manifest.pushed", event.path("type").asText());
            assertEquals(Endpoints.SOURCE, event.path("source").asText());
            assertEquals(REPO + ":1.0", event.path("subject").asText());
            assertFalse(event.path("id").asText().isEmpty());
            Instant.parse(event.path("time").asText());
            assertEquals("application/json", event.path("datacontenttype").asText());
            JsonNode data = event.path("data");
            assertEquals("push", data.path("action").asText());
            assertEquals(REPO, data.path("repository").asText());
            assertEquals("1.0", data.path("tag").asText());
            assertEquals(image.digest(), data.path("digest").asText());
            assertEquals(MediaTypes.OCI_MANIFEST, data.path("mediaType").asText());
            assertEquals(image.manifest().length, data.path("size").asLong());
            assertEquals(Endpoints.SOURCE + "/v2/" + REPO + "/manifests/" + image.digest(), data.path("url").asText());

            // the blob uploads before the manifest published nothing: the next delivery is the next push
            Images.put(registry, REPO, "1.1", MediaTypes.OCI_MANIFEST, image.manifest());
            List<WebhookReceiver.Request> all = receiver.awaitDelivered(2);
            assertEquals(REPO + ":1.1", all.get(1).json().path("subject").asText());
            assertEquals(2, receiver.requests().size());
        }
    }

    @Test
    void aGetIsAPullAndAHeadIsNot() {
        try (WebhookReceiver receiver = WebhookReceiver.start();
             TestRegistry registry = Endpoints.registry(Endpoints.to(receiver.url("/hook")))) {
            Images.Image image = Images.push(registry, REPO, "1.0", 2);
            registry.given().head("/v2/" + REPO + "/manifests/1.0").then().statusCode(200);
            registry.given().get("/v2/" + REPO + "/manifests/1.0").then().statusCode(200);
            registry.given().get("/v2/" + REPO + "/manifests/" + image.digest()).then().statusCode(200);
            registry.given().get("/v2/" + REPO + "/manifests/absent").then().statusCode(404);

            // one endpoint's events arrive in order: a HEAD that published would have shifted these
            List<WebhookReceiver.Request> delivered = receiver.awaitDelivered(3);
            JsonNode byTag = delivered.get(1).json();
            assertEquals("dev.wharf.manifest.pulled", byTag.path("type").asText());
            assertEquals(REPO + ":1.0", byTag.path("subject").asText());
            assertEquals("pull", byTag.path("data").path("action").asText());
            assertEquals(image.digest(), byTag.path("data").path("digest").asText());
            JsonNode byDigest = delivered.get(2).json();
            assertEquals("dev.wharf.manifest.pulled", byDigest.path("type").asText());
            assertEquals(REPO + "@" + image.digest(), byDigest.path("subject").asText());
            assertTrue(byDigest.path("data").path("tag").isMissingNode());

            Images.push(registry, REPO, "after", 3);
            assertEquals(REPO + ":after", receiver.awaitDelivered(4).get(3).json().path("subject").asText(),
                    "a failed GET published nothing");
        }
    }

    @Test
    void aGetThroughThePullThroughCacheIsAPullAndItsFillIsNoPush() {
        Assumptions.assumeTrue(TestStorage.s3Kind() == null, "the pull-through cache runs on the filesystem driver only");
        try (TestRegistry upstream = TestRegistry.start(); WebhookReceiver receiver = WebhookReceiver.start()) {
            Images.Image image = Images.push(upstream, "library/app", "1.0", 12);
            WharfConfig.Notifications notifications = Endpoints.notifications(Endpoints.to(receiver.url("/hook")));
            try (TestRegistry cache = TestRegistry.start(c -> c.withNotifications(notifications)
                    .withProxy(new WharfConfig.Proxy(upstream.baseUrl(), "up.example", List.of(), "1h")))) {
                cache.given().head("/v2/library/app/manifests/1.0").then().statusCode(200);
                cache.given().get("/v2/library/app/manifests/1.0").then().statusCode(200);
                Images.push(cache, "mine/app", "1", 13); // a push of its own, after: the last event

                List<WebhookReceiver.Request> delivered = receiver.awaitDelivered(2);
                JsonNode pull = delivered.get(0).json();
                assertEquals("dev.wharf.manifest.pulled", pull.path("type").asText());
                assertTrue(pull.path("data").path("repository").asText().endsWith("library/app"), pull.toString());
                assertEquals("1.0", pull.path("data").path("tag").asText());
                assertEquals(image.digest(), pull.path("data").path("digest").asText());
                assertEquals("mine/app:1", delivered.get(1).json().path("subject").asText());
            }
        }
    }

    @Test
    void deletesOfATagAManifestAndABlobAreEachPublished() {
        try (WebhookReceiver receiver = WebhookReceiver.start();
             TestRegistry registry = Endpoints.registry(Endpoints.to(receiver.url("/hook")))) {
            Images.Image image = Images.push(registry, REPO, "1.0", 4);
            Images.put(registry, REPO, "old", MediaTypes.OCI_MANIFEST, image.manifest());
            registry.given().delete("/v2/" + REPO + "/manifests/old").then().statusCode(202);
            registry.given().delete("/v2/" + REPO + "/manifests/" + image.digest()).then().statusCode(202);
            registry.given().delete("/v2/" + REPO + "/blobs/" + image.layer()).then().statusCode(202);

            List<WebhookReceiver.Request> delivered = receiver.awaitDelivered(5);
            JsonNode tag = delivered.get(2).json();
            assertEquals("dev.wharf.tag.deleted", tag.path("type").asText());
            assertEquals("delete", tag.path("data").path("action").asText());
            assertEquals("old", tag.path("data").path("tag").asText());
            assertEquals(image.digest(), tag.path("data").path("digest").asText(), "the manifest the tag pointed at");

            JsonNode manifest = delivered.get(3).json();
            assertEquals("dev.wharf.manifest.deleted", manifest.path("type").asText());
            assertEquals(REPO + "@" + image.digest(), manifest.path("subject").asText());
            assertEquals(MediaTypes.OCI_MANIFEST, manifest.path("data").path("mediaType").asText());
            assertEquals(image.manifest().length, manifest.path("data").path("size").asLong());

            JsonNode blob = delivered.get(4).json();
            assertEquals("dev.wharf.blob.deleted", blob.path("type").asText());
            assertEquals(image.layer(), blob.path("data").path("digest").asText());
            assertEquals(Endpoints.SOURCE + "/v2/" + REPO + "/blobs/" + image.layer(), blob.path("data").path("url").asText());
            assertTrue(blob.path("data").path("mediaType").isMissingNode());
            assertEquals(5, receiver.requests().size());
        }
    }

    @Test
    void theDistributionFormatSendsItsEnvelope() {
        try (WebhookReceiver receiver = WebhookReceiver.start();
             TestRegistry registry = Endpoints.registry(Endpoints.to(receiver.url("/hook")).format("distribution"))) {
            Images.Image image = Images.push(registry, REPO, "1.0", 5);
            registry.given().delete("/v2/" + REPO + "/blobs/" + image.config()).then().statusCode(202);

            List<WebhookReceiver.Request> delivered = receiver.awaitDelivered(2);
            assertEquals("application/vnd.docker.distribution.events.v2+json", delivered.get(0).header("Content-Type"));
            JsonNode events = delivered.get(0).json().path("events");
            assertEquals(1, events.size());
            JsonNode push = events.get(0);
            assertEquals("push", push.path("action").asText());
            assertFalse(push.path("id").asText().isEmpty());
            Instant.parse(push.path("timestamp").asText());
            JsonNode target = push.path("target");
            assertEquals(MediaTypes.OCI_MANIFEST, target.path("mediaType").asText());
            assertEquals(image.digest(), target.path("digest").asText());
            assertEquals(image.manifest().length, target.path("size").asLong());
            assertEquals(image.manifest().length, target.path("length").asLong());
            assertEquals(REPO, target.path("repository").asText());
            assertEquals("1.0", target.path("tag").asText());
            assertEquals(Endpoints.SOURCE + "/v2/" + REPO + "/manifests/" + image.digest(), target.path("url").asText());
            assertEquals("wharf.test:5000", push.path("source").path("addr").asText());
            assertFalse(push.path("source").path("instanceID").asText().isEmpty());

            JsonNode delete = delivered.get(1).json().path("events").get(0);
            assertEquals("delete", delete.path("action").asText());
            assertEquals(image.config(), delete.path("target").path("digest").asText());
            assertTrue(delete.path("target").path("mediaType").isMissingNode());
            assertTrue(delete.path("target").path("tag").isMissingNode());
        }
    }

    @Test
    void repositoryAndActionFiltersKeepOutWhatTheyDoNotName() {
        try (WebhookReceiver narrow = WebhookReceiver.start(); WebhookReceiver wide = WebhookReceiver.start();
             TestRegistry registry = Endpoints.registry(
                     Endpoints.to(narrow.url("/narrow")).named("narrow").repositories("team/**").events("push"),
                     Endpoints.to(wide.url("/wide")).named("wide"))) {
            Images.Image other = Images.push(registry, "other/app", "1", 6);
            Images.Image team = Images.push(registry, "team/deep/app", "1", 7);
            registry.given().get("/v2/team/deep/app/manifests/1").then().statusCode(200);
            registry.given().delete("/v2/team/deep/app/manifests/1").then().statusCode(202);
            registry.given().get("/v2/other/app/manifests/1").then().statusCode(200);
            Images.push(registry, "team/last", "1", 8); // the narrow endpoint's last event: all before it are decided

            List<WebhookReceiver.Request> narrowGot = narrow.awaitDelivered(2);
            assertEquals(List.of("team/deep/app:1", "team/last:1"), subjects(narrowGot));
            assertEquals(team.digest(), narrowGot.get(0).json().path("data").path("digest").asText());
            List<WebhookReceiver.Request> wideGot = wide.awaitDelivered(6);
            assertEquals(List.of("dev.wharf.manifest.pushed", "dev.wharf.manifest.pushed", "dev.wharf.manifest.pulled",
                    "dev.wharf.tag.deleted", "dev.wharf.manifest.pulled", "dev.wharf.manifest.pushed"), types(wideGot));
            assertEquals(other.digest(), wideGot.get(0).json().path("data").path("digest").asText());
            assertEquals(2, narrow.requests().size());
        }
    }

    @Test
    void aDeliveryAnswered500IsRetriedWithTheSameBody() {
        try (WebhookReceiver receiver = WebhookReceiver.start();
             TestRegistry registry = Endpoints.registry(Endpoints.to(receiver.url("/hook")).maxRetries(3).backoff("20ms"))) {
            receiver.answer(n -> n == 0 ? 500 : 200);
            Images.Image image = Images.push(registry, REPO, "1.0", 9);

            receiver.awaitDelivered(1);
            List<WebhookReceiver.Request> requests = receiver.requests();
            assertEquals(2, requests.size());
            assertEquals(500, requests.get(0).status());
            assertEquals(requests.get(0).text(), requests.get(1).text(), "a retry resends the event as it was, id and all");
            assertEquals(image.digest(), requests.get(1).json().path("data").path("digest").asText());
        }
    }

    @Test
    void eachRepositorysEventsArriveInTheOrderTheyHappenedThroughRetries() throws Exception {
        int repositories = 4;
        int pushesEach = 15;
        try (WebhookReceiver receiver = WebhookReceiver.start();
             TestRegistry registry = Endpoints.registry(Endpoints.to(receiver.url("/hook")).maxRetries(5).backoff("5ms"))) {
            receiver.answer(n -> n % 7 == 3 ? 503 : 200); // some deliveries fail once and are retried in place
            byte[] manifest = Images.push(registry, "order/r0", "seed", 10).manifest();
            for (int r = 1; r < repositories; r++) {
                Images.push(registry, "order/r" + r, "seed", 10);
            }
            java.util.concurrent.ExecutorService pushers = java.util.concurrent.Executors.newFixedThreadPool(repositories);
            try {
                List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (int r = 0; r < repositories; r++) {
                    String repo = "order/r" + r;
                    done.add(pushers.submit(() -> {
                        for (int i = 0; i < pushesEach; i++) {
                            Images.put(registry, repo, "t" + i, MediaTypes.OCI_MANIFEST, manifest);
                        }
                    }));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get(30, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                pushers.shutdownNow();
            }

            List<WebhookReceiver.Request> delivered = receiver.awaitDelivered(repositories * (pushesEach + 1));
            assertEquals(repositories * (pushesEach + 1), delivered.size(), "each event delivered once");
            for (int r = 0; r < repositories; r++) {
                String repo = "order/r" + r;
                List<String> tags = delivered.stream().map(WebhookReceiver.Request::json)
                        .filter(e -> e.path("data").path("repository").asText().equals(repo))
                        .map(e -> e.path("data").path("tag").asText()).toList();
                List<String> expected = new java.util.ArrayList<>(List.of("seed"));
                for (int i = 0; i < pushesEach; i++) {
                    expected.add("t" + i);
                }
                assertEquals(expected, tags, repo);
            }
        }
    }

    private static List<String> subjects(List<WebhookReceiver.Request> requests) {
        return requests.stream().map(r -> r.json().path("subject").asText()).toList();
    }

    private static List<String> types(List<WebhookReceiver.Request> requests) {
        return requests.stream().map(r -> r.json().path("type").asText()).toList();
    }
}
