package dev.wharf.bench;

import dev.wharf.storage.s3.S3Server;
import software.amazon.awssdk.services.s3.S3AsyncClient;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The S3 server of {@code -Dbench.storage=s3}: one Adobe S3Mock (a JVM of its own, started by the tests' {@link S3Server}),
 * with a bucket per registry so that neither lists or trips over the other's objects. It hands each registry its
 * settings and removes pushed blobs' objects between measurements, as the filesystem run deletes their files.
 */
final class BenchS3 implements AutoCloseable {
    static final String WHARF_BUCKET = "wharf-bench";
    static final String DISTRIBUTION_BUCKET = "distribution-bench";

    private final S3Server server;
    private final S3AsyncClient client;

    private BenchS3(S3Server server) {
        this.server = server;
        this.client = server.client();
    }

    static BenchS3 start() {
        S3Server server = S3Server.start(S3Server.Kind.S3MOCK);
        try {
            server.createBucket(WHARF_BUCKET);
            server.createBucket(DISTRIBUTION_BUCKET);
            return new BenchS3(server);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Wharf's environment for the S3 driver on its bucket; {@code WHARF_STORAGE_ROOT} stays its local spool. */
    Map<String, String> wharfEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WHARF_STORAGE_DRIVER", "s3");
        env.put("WHARF_STORAGE_S3_ENDPOINT", server.endpoint());
        env.put("WHARF_STORAGE_S3_BUCKET", WHARF_BUCKET);
        env.put("WHARF_STORAGE_S3_REGION", server.region());
        env.put("WHARF_STORAGE_S3_ACCESS_KEY", server.accessKey());
        env.put("WHARF_STORAGE_S3_SECRET_KEY", server.secretKey());
        env.put("WHARF_STORAGE_S3_PATH_STYLE", "true");
        return env;
    }

    /** Distribution's {@code storage.s3} block (indented for its place under {@code storage:}); proxied blob reads. */
    String distributionStorage() {
        return """
                  s3:
                    region: %s
                    regionendpoint: "%s"
                    bucket: %s
                    accesskey: %s
                    secretkey: %s
                    forcepathstyle: true
                    secure: false
                    v4auth: true
                  redirect:
                    disable: true
                """.formatted(server.region(), server.endpoint(), DISTRIBUTION_BUCKET, server.accessKey(), server.secretKey());
    }

    /** Deletes the objects {@code key} names for each blob's digest, in {@code bucket}, and waits for them all. */
    Contender.Reclaimer reclaimer(String bucket, Function<String, String> key) {
        return blobs -> {
            List<CompletableFuture<?>> deletes = new ArrayList<>();
            for (BlobContent blob : blobs) {
                String object = key.apply(blob.digest());
                deletes.add(client.deleteObject(b -> b.bucket(bucket).key(object)).exceptionally(e -> {
                    System.err.println("could not reclaim s3://" + bucket + "/" + object + ": " + e);
                    return null;
                }));
            }
            CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).join();
        };
    }

    /** Wharf's blob objects: {@code blobs/<alg>/<hex>} (S3Layout). */
    Contender.Reclaimer wharfReclaimer() {
        return reclaimer(WHARF_BUCKET, digest -> "blobs/" + digest.replace(':', '/'));
    }

    /** Distribution's: {@code docker/registry/v2/blobs/<alg>/<first two hex>/<hex>/data}, as on its filesystem. */
    Contender.Reclaimer distributionReclaimer() {
        return reclaimer(DISTRIBUTION_BUCKET, digest -> {
            String[] parts = digest.split(":", 2);
            return "docker/registry/v2/blobs/" + parts[0] + "/" + parts[1].substring(0, 2) + "/" + parts[1] + "/data";
        });
    }

    /** For the report: which server, where, and its buckets. */
    String description() {
        return "Adobe S3Mock " + version() + " (`java -Xmx384m -XX:+UseSerialGC -jar s3mock-exec.jar`, its file store on "
                + "the local disk) at " + server.endpoint() + ", path-style; bucket `" + WHARF_BUCKET + "` for Wharf, `"
                + DISTRIBUTION_BUCKET + "` for Distribution";
    }

    private static String version() {
        Path jar = Path.of(System.getProperty("wharf.s3servers", "target/s3-servers"), "s3mock-exec.jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            JarEntry entry = file.getJarEntry("META-INF/maven/com.adobe.testing/s3mock/pom.properties");
            if (entry == null) {
                return "(version not in the jar)";
            }
            Properties properties = new Properties();
            try (InputStream in = file.getInputStream(entry)) {
                properties.load(in);
            }
            return properties.getProperty("version", "(version not in the jar)");
        } catch (Exception e) {
            return "(unreadable jar: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
