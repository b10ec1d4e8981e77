package dev.wharf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.oci.Digest;
import dev.wharf.testing.Blobs;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * The soak's HTTP side: the registry calls a client makes, each checked for the status the spec gives it.
 * It uses the JDK's own HTTP client, a different stack from the benchmark's Vert.x client and from Wharf's
 * server, so a lost or mangled exchange cannot hide behind a bug both sides share. Over TLS it speaks HTTP/2,
 * as containerd does with a registry that offers it. Every call has a timeout;
 * a request that never gets its answer is a failure, not a hang.
 */
final class SoakClient {
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String base;
    private final HttpClient http;

    /** Plain HTTP/1.1 when {@code tls} is null; otherwise HTTPS trusting {@code tls}, with HTTP/2 offered by ALPN. */
    SoakClient(int port, SSLContext tls) {
        this.base = (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .executor(Executors.newFixedThreadPool(4, r -> {
                    Thread t = new Thread(r, "soak-http");
                    t.setDaemon(true);
                    return t;
                }));
        if (tls == null) {
            builder.version(HttpClient.Version.HTTP_1_1);
        } else {
            builder.version(HttpClient.Version.HTTP_2).sslContext(tls);
        }
        this.http = builder.build();
    }

    /** What the soak found wrong: the request, and what came back instead of what the spec says. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    /** A monolithic upload: {@code POST ?digest=} with the whole body. */
    void pushMonolithic(String repo, byte[] blob) throws Failure {
        expect(send(request("/v2/" + repo + "/blobs/uploads/?digest=" + Blobs.sha256(blob))
                .POST(HttpRequest.BodyPublishers.ofByteArray(blob)).header("Content-Type", "application/octet-stream")), 201);
    }

    /** A chunked upload: {@code POST}, then {@code chunks} PATCHes with {@code Content-Range}, then {@code PUT ?digest=}. */
    void pushChunked(String repo, byte[] blob, int chunks) throws Failure {
        String location = startUpload(repo);
        int step = Math.max(1, (blob.length + chunks - 1) / chunks);
        for (int from = 0; from < blob.length; from += step) {
            int to = Math.min(blob.length, from + step);
            HttpResponse<String> patch = expect(send(request(location)
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(blob, from, to - from))
                    .header("Content-Type", "application/octet-stream")
                    .header("Content-Range", from + "-" + (to - 1))), 202);
            location = location(patch);
        }
        expect(send(request(withQuery(location, "digest=" + Blobs.sha256(blob))).PUT(HttpRequest.BodyPublishers.noBody())), 201);
    }

    /** A cross-repository mount; true when the registry mounted it (201), false when it opened an upload (202). */
    boolean mount(String repo, String digest, String from) throws Failure {
        HttpResponse<String> response = send(request("/v2/" + repo + "/blobs/uploads/?mount=" + digest + "&from=" + from)
                .POST(HttpRequest.BodyPublishers.noBody()));
        if (response.statusCode() == 202) {
            cancelUpload(location(response));
            return false;
        }
        expect(response, 201);
        return true;
    }

    /** Opens an upload and sends part of a blob, then leaves it for the registry to expire. */
    void abandonUpload(String repo, byte[] part) throws Failure {
        String location = startUpload(repo);
        expect(send(request(location).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(part))
                .header("Content-Type", "application/octet-stream")), 202);
    }

    /** A PUT whose digest does not match the bytes: 400 DIGEST_INVALID, and nothing stored under that digest. */
    void pushWithWrongDigest(String repo, byte[] blob) throws Failure {
        String wrong = Blobs.sha256(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> response = expect(send(request("/v2/" + repo + "/blobs/uploads/?digest=" + wrong)
                .POST(HttpRequest.BodyPublishers.ofByteArray(blob)).header("Content-Type", "application/octet-stream")), 400);
        mustContain(response, "DIGEST_INVALID");
        expect(send(request("/v2/" + repo + "/blobs/" + wrong).method("HEAD", HttpRequest.BodyPublishers.noBody())), 404);
    }

    /** A chunk that skips ahead of the upload's size: 416, and the upload is still usable afterwards. */
    void pushOutOfOrderChunk(String repo, byte[] blob) throws Failure {
        String location = startUpload(repo);
        expect(send(request(location).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(blob))
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", "10-" + (9 + blob.length))), 416);
        expect(send(request(withQuery(location, "digest=" + Blobs.sha256(blob))).PUT(HttpRequest.BodyPublishers.ofByteArray(blob))
                .header("Content-Type", "application/octet-stream")), 201);
    }

    /** Pushes an OCI image manifest by tag; returns its digest as the registry reports it. */
    String putManifest(String repo, String tag, byte[] manifest) throws Failure {
        HttpResponse<String> response = expect(send(request("/v2/" + repo + "/manifests/" + tag)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).header("Content-Type", OCI_MANIFEST)), 201);
        String digest = response.headers().firstValue("Docker-Content-Digest").orElse("");
        String expected = Blobs.sha256(manifest);
        if (!digest.equals(expected)) {
            throw new Failure("PUT manifest " + repo + ":" + tag + " answered digest '" + digest + "', expected " + expected);
        }
        return digest;
    }

    /** GETs a manifest and checks its bytes against the digest; the status when it is not 200. */
    int getManifest(String repo, String reference, String expectedDigest) throws Failure {
        HttpResponse<byte[]> response = sendBytes(request("/v2/" + repo + "/manifests/" + reference).GET()
                .header("Accept", OCI_MANIFEST));
        if (response.statusCode() != 200) {
            return response.statusCode();
        }
        String got = Blobs.sha256(response.body());
        if (!got.equals(expectedDigest) || !expectedDigest.equals(response.headers().firstValue("Docker-Content-Digest").orElse(""))) {
            throw new Failure("GET manifest " + repo + "/" + reference + ": body " + got + ", header "
                    + response.headers().firstValue("Docker-Content-Digest").orElse("none") + ", expected " + expectedDigest);
        }
        return 200;
    }

    /** GETs a blob, hashing it as it streams; the status when it is not 200. */
    int getBlob(String repo, String digest, long size) throws Failure {
        HttpResponse<InputStream> response = sendStream(request("/v2/" + repo + "/blobs/" + digest).GET());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                body.transferTo(OutputStream.nullOutputStream());
                return response.statusCode();
            }
            MessageDigest sha = Digest.Algorithm.SHA256.newHasher();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = body.read(buffer)) > 0; total += n) {
                sha.update(buffer, 0, n);
            }
            String got = Digest.of(Digest.Algorithm.SHA256, sha.digest()).toString();
            if (!got.equals(digest) || total != size) {
                throw new Failure("GET blob " + repo + "@" + digest + ": " + total + " bytes hashing to " + got + ", expected " + size);
            }
            return 200;
        } catch (IOException e) {
            throw new Failure("GET blob " + repo + "@" + digest + ": " + e);
        }
    }

    /** A single-range GET of a blob: 206 with exactly those bytes of the whole blob. */
    void checkRange(String repo, String digest, int from, int to) throws Failure {
        byte[] whole = sendBytes(request("/v2/" + repo + "/blobs/" + digest).GET()).body();
        HttpResponse<byte[]> response = sendBytes(request("/v2/" + repo + "/blobs/" + digest).GET()
                .header("Range", "bytes=" + from + "-" + (to - 1)));
        if (response.statusCode() != 206 || !Arrays.equals(response.body(), Arrays.copyOfRange(whole, from, to))) {
            throw new Failure("GET " + repo + "@" + digest + " bytes " + from + "-" + (to - 1) + ": status "
                    + response.statusCode() + ", " + response.body().length + " bytes");
        }
    }

    void deleteManifest(String repo, String digest) throws Failure {
        expect(send(request("/v2/" + repo + "/manifests/" + digest).DELETE()), 202);
    }

    String tags(String repo) throws Failure {
        return expect(send(request("/v2/" + repo + "/tags/list").GET()), 200).body();
    }

    String catalog() throws Failure {
        return expect(send(request("/v2/_catalog?n=10000").GET()), 200).body();
    }

    /** Runs the server's garbage collection now; returns its report (JSON). */
    String collectGarbage() throws Failure {
        return expect(send(request("/_wharf/gc").POST(HttpRequest.BodyPublishers.noBody())), 200).body();
    }

    private String startUpload(String repo) throws Failure {
        return location(expect(send(request("/v2/" + repo + "/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody())), 202));
    }

    private void cancelUpload(String location) throws Failure {
        expect(send(request(location).DELETE()), 204);
    }

    private HttpRequest.Builder request(String pathOrUrl) {
        return HttpRequest.newBuilder(URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl)).timeout(TIMEOUT);
    }

    private static String withQuery(String location, String query) {
        return location + (location.contains("?") ? "&" : "?") + query;
    }

    private static String location(HttpResponse<?> response) throws Failure {
        return response.headers().firstValue("Location")
                .orElseThrow(() -> new Failure(describe(response) + ": no Location header"));
    }

    private static HttpResponse<String> expect(HttpResponse<String> response, int status) throws Failure {
        if (response.statusCode() != status) {
            throw new Failure(describe(response) + ": status " + response.statusCode() + ", expected " + status
                    + "; body " + abbreviate(response.body()));
        }
        return response;
    }

    private static void mustContain(HttpResponse<String> response, String text) throws Failure {
        if (!response.body().contains(text)) {
            throw new Failure(describe(response) + ": body lacks " + text + ": " + abbreviate(response.body()));
        }
    }

    private static String describe(HttpResponse<?> response) {
        return response.request().method() + " " + response.request().uri();
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    private HttpResponse<String> send(HttpRequest.Builder builder) throws Failure {
        return exchange(builder, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> sendBytes(HttpRequest.Builder builder) throws Failure {
        return exchange(builder, HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<InputStream> sendStream(HttpRequest.Builder builder) throws Failure {
        return exchange(builder, HttpResponse.BodyHandlers.ofInputStream());
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder builder, HttpResponse.BodyHandler<T> handler) throws Failure {
        HttpRequest request = builder.build();
        try {
            return http.send(request, handler);
        } catch (HttpTimeoutException e) {
            throw new Failure(request.method() + " " + request.uri() + ": no answer within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new Failure(request.method() + " " + request.uri() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(request.method() + " " + request.uri() + ": interrupted");
        }
    }

    /** A count in a JSON answer: the number itself, or the length when the field is a list. */
    static long number(String json, String field) throws Failure {
        try {
            JsonNode node = MAPPER.readTree(json).path(field);
            return node.isArray() ? node.size() : node.asLong();
        } catch (IOException e) {
            throw new Failure("an answer that is not JSON: " + abbreviate(json));
        }
    }

    /** The tags in a {@code tags/list} answer. */
    static List<String> tagsIn(String json) throws Failure {
        try {
            List<String> tags = new ArrayList<>();
            MAPPER.readTree(json).path("tags").forEach(t -> tags.add(t.asText()));
            return tags;
        } catch (IOException e) {
            throw new Failure("tags/list answered something that is not JSON: " + abbreviate(json));
        }
    }
}
