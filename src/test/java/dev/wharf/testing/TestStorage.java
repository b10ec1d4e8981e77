package dev.wharf.testing;

import dev.wharf.config.WharfConfig;
import dev.wharf.storage.s3.S3Server;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The storage driver the API tests run on: the filesystem by default; with {@code -Dwharf.test.storage=s3mock} or
 * {@code s3proxy} (the pom's {@code api-on-s3} run) a fresh bucket on that S3 server per registry, so the same
 * tests check both drivers.
 */
public final class TestStorage {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private TestStorage() {
    }

    /** The S3 server the tests run on, or null for the filesystem. */
    public static S3Server.Kind s3Kind() {
        String name = System.getProperty("wharf.test.storage", "filesystem").trim().toLowerCase(Locale.ROOT);
        switch (name) {
            case "filesystem":
            case "":
                return null;
            case "s3mock":
                return S3Server.Kind.S3MOCK;
            case "s3proxy":
                return S3Server.Kind.S3PROXY;
            default:
                throw new IllegalArgumentException("wharf.test.storage must be filesystem, s3mock or s3proxy, not " + name);
        }
    }

    /** Storage for a registry over {@code root}: that directory, or a new bucket (the root then holds the spool). */
    public static WharfConfig.Storage storage(Path root) {
        S3Server.Kind kind = s3Kind();
        if (kind == null) {
            return new WharfConfig.Storage(root.toString(), true, true);
        }
        S3Server server = S3Server.shared(kind);
        String bucket = "api-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
        server.createBucket(bucket);
        WharfConfig.S3 s3 = new WharfConfig.S3(server.endpoint(), server.region(), bucket, "", true, server.accessKey(),
                server.secretKey(), "", false, "20m", "1s", "5MiB", "1s");
        return new WharfConfig.Storage(root.toString(), true, true, WharfConfig.Storage.S3_DRIVER, s3);
    }
}
