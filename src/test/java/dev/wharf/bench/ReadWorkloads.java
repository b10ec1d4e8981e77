package dev.wharf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/** Request-rate workloads on small answers: manifests by tag, a long tag list, the catalog. */
final class ReadWorkloads {
    static final int MANIFEST_CONCURRENCY = 32;
    static final int LIST_CONCURRENCY = 8;
    static final int TAGS = 300;
    static final int REPOSITORIES = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReadWorkloads() {
    }

    /** GET and HEAD of an OCI manifest by tag; the GET accepts both OCI and Docker manifest types. */
    static Workload manifests(BenchOptions options) {
        SampleImage image = SampleImage.create();
        String repository = "bench/manifests";
        String uri = "/v2/" + repository + "/manifests/v1";
        Workload.Preparation prepare = contender -> {
            RegistryClient client = contender.client();
            Load.await(image.push(client, repository, "v1"));
            RegistryClient.Reply reply = Load.await(client.read(HttpMethod.GET, uri, "Accept", RegistryClient.MANIFEST_ACCEPT))
                    .expect(200, "manifest GET");
            if (!reply.body().equals(Buffer.buffer(image.manifest()))
                    || !image.digest().equals(reply.header("Docker-Content-Digest"))) {
                throw new IllegalStateException("manifest GET did not return the pushed manifest and its digest");
            }
        };
        return Workload.of("manifest", prepare, List.of(
                new RateCell("manifest GET by tag", MANIFEST_CONCURRENCY, options.rateDuration(),
                        reads("manifest GET", HttpMethod.GET, uri, true)),
                new RateCell("manifest HEAD by tag", MANIFEST_CONCURRENCY, options.rateDuration(),
                        reads("manifest HEAD", HttpMethod.HEAD, uri, true))));
    }

    /** {@code tags/list} of a repository with 300 tags, and {@code _catalog} over 200-odd repositories. */
    static Workload listings(BenchOptions options) {
        return listings(options, i -> "t" + i);
    }

    /**
     * The same with tags named {@code tagName(0..299)}. Over S3 they are {@code t000}..{@code t299}: Distribution
     * 3.1.1's S3 driver lists only {@code t0}..{@code t9} of {@code t0}..{@code t299} (a tag whose name starts with
     * another's, {@code t10} after {@code t1}, is left out), so names of one length keep its answer whole.
     */
    static Workload listings(BenchOptions options, IntFunction<String> tagName) {
        SampleImage image = SampleImage.create();
        String tagged = "bench/tags";
        String tagsUri = "/v2/" + tagged + "/tags/list";
        // Distribution answers 100 repositories per page unless asked for more; both get one page of all.
        String catalogUri = "/v2/_catalog?n=1000";
        Workload.Preparation prepare = contender -> {
            RegistryClient client = contender.client();
            Load.await(image.push(client, tagged, tagName.apply(0)));
            Load.run(LIST_CONCURRENCY, TAGS - 1, i -> client.putManifest(tagged, tagName.apply(i + 1), image.manifest()));
            Load.run(LIST_CONCURRENCY, REPOSITORIES,
                    i -> image.mountAndTag(client, "bench/catalog/r%03d".formatted(i), tagged, "v1"));
            int tags = count(Load.await(client.read(HttpMethod.GET, tagsUri)).expect(200, "tags/list"), "tags");
            int repositories = count(Load.await(client.read(HttpMethod.GET, catalogUri)).expect(200, "_catalog"), "repositories");
            if (tags != TAGS || repositories < REPOSITORIES) {
                throw new IllegalStateException("listed " + tags + " tags and " + repositories + " repositories, expected "
                        + TAGS + " and at least " + REPOSITORIES);
            }
        };
        return Workload.of("list", prepare, List.of(
                new RateCell("tags/list (" + TAGS + " tags)", LIST_CONCURRENCY, options.rateDuration(),
                        reads("tags/list", HttpMethod.GET, tagsUri, false)),
                new RateCell("_catalog?n=1000 (" + REPOSITORIES + "+ repositories)", LIST_CONCURRENCY, options.rateDuration(),
                        reads("_catalog", HttpMethod.GET, catalogUri, false))));
    }

    private static int count(RegistryClient.Reply reply, String field) throws Exception {
        JsonNode list = JSON.readTree(reply.body().getBytes()).get(field);
        return list == null ? 0 : list.size();
    }

    /**
     * Identical requests that must all answer 200. Manifest requests send an Accept header for the OCI and Docker
     * manifest types, as clients do.
     */
    private static Function<Contender, Supplier<Future<?>>> reads(String what, HttpMethod method, String uri, boolean manifest) {
        String[] headers = manifest ? new String[] {"Accept", RegistryClient.MANIFEST_ACCEPT} : new String[0];
        return contender -> () -> contender.client().read(method, uri, headers).map(reply -> reply.expect(200, what));
    }
}
