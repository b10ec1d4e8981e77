package dev.wharf.storage.s3;

import dev.wharf.config.WharfConfig;
import dev.wharf.storage.TrustBundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.FileRequestBodyConfiguration;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * One bucket (and key prefix), as the stores need it: small objects read and written whole, conditional writes,
 * listings, multipart uploads, copies, and ranged reads as a stream. The one class that speaks to the AWS SDK;
 * its failures leave as {@link IOException}s (a missing object is an empty answer, a lost condition a
 * {@link PreconditionFailedException}), so the stores above keep the contract of the filesystem driver's.
 *
 * <p>The client is the SDK's asynchronous one on Netty: the blocking methods wait on worker threads, as every
 * store method does. Blob downloads do not come through here: they fetch a presigned URL ({@link #presignedGet}).
 */
public final class S3Bucket implements AutoCloseable {
    /** S3's limit for one CopyObject; bigger objects are copied in parts. */
    static final long MAX_SINGLE_COPY = 5L << 30;
    private static final long COPY_PART = 1L << 30;

    /** An object as a listing shows it. */
    public record Entry(String key, long size, Instant lastModified, String etag) {
    }

    /** An object's metadata, from a HEAD. */
    public record Head(long size, Instant lastModified, String etag) {
    }

    /** A multipart upload begun and neither completed nor aborted. */
    public record PendingUpload(String key, String uploadId, Instant initiated) {
    }

    /** A small object read whole. */
    public record Fetched(byte[] content, Instant lastModified, String etag) {
    }

    /** What a write requires of the object it replaces. */
    public record Condition(boolean absent, String etag) {
        public static final Condition NONE = new Condition(false, null);
        public static final Condition ABSENT = new Condition(true, null);

        public static Condition matching(String etag) {
            return new Condition(false, etag);
        }
    }

    /** A conditional write whose condition did not hold (412), or a concurrent one that won (409). */
    public static final class PreconditionFailedException extends IOException {
        PreconditionFailedException(String key) {
            super("the object " + key + " changed meanwhile");
        }
    }

    /**
     * How long one attempt of a small request (a HEAD, a small object read or written whole, a listing page, a
     * delete) may take before the SDK gives up on it and tries again. Such a request takes milliseconds; one that
     * hangs (a response cut short on the way, a store that stalls) would otherwise hold its caller for the whole
     * read timeout. S3Mock was seen in CI answering a read of an object being overwritten with fewer bytes than its
     * Content-Length, which left the read waiting. Transfers of parts and whole files keep the read timeout only:
     * their length has no such bound.
     */
    static final Duration SMALL_REQUEST_ATTEMPT = Duration.ofSeconds(10);

    private final S3AsyncClient client;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final AwsRequestOverrideConfiguration small;

    private S3Bucket(S3AsyncClient client, S3Presigner presigner, String bucket, String prefix, Duration smallAttempt) {
        this.client = client;
        this.presigner = presigner;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() ? "" : prefix + "/";
        this.small = AwsRequestOverrideConfiguration.builder().apiCallAttemptTimeout(smallAttempt).build();
    }

    public static S3Bucket open(WharfConfig.S3 config) throws IOException {
        return open(config, SMALL_REQUEST_ATTEMPT);
    }

    /** As {@link #open(WharfConfig.S3)}, with another bound on an attempt of a small request (for tests). */
    static S3Bucket open(WharfConfig.S3 config, Duration smallAttempt) throws IOException {
        AwsCredentialsProvider credentials = config.accessKey().isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
        NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder()
                // the SDK's default is two event loops per core, each with its own buffer arena: half as many carry
                // the bucket's small requests (the bytes of blob reads go through the HTTP layer's relay instead)
                .eventLoopGroupBuilder(SdkEventLoopGroup.builder()
                        .numberOfThreads(Math.max(2, Runtime.getRuntime().availableProcessors() / 2)))
                .maxConcurrency(512)
                .maxPendingConnectionAcquires(100_000)
                .connectionAcquisitionTimeout(Duration.ofSeconds(60))
                .connectionTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(120))
                .writeTimeout(Duration.ofSeconds(120));
        if (!config.caFile().isEmpty()) {
            TrustManager[] trust = TrustBundle.withCertificates(Path.of(config.caFile())).getTrustManagers();
            http.tlsTrustManagersProvider(() -> trust);
        }
        SdkAsyncHttpClient httpClient = http.build();
        var builder = S3AsyncClient.builder()
                .httpClient(httpClient)
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(config.pathStyle())
                // Integrity is Wharf's own (every blob is checked against its digest); the SDK's default
                // per-request CRCs cost CPU and are not understood by every S3-compatible store.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        var presign = S3Presigner.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build());
        if (!config.endpoint().isEmpty()) {
            builder.endpointOverride(URI.create(config.endpoint()));
            presign.endpointOverride(URI.create(config.endpoint()));
        }
        return new S3Bucket(builder.build(), presign.build(), config.bucket(), config.prefix(), smallAttempt);
    }

    /** Fails unless the bucket is there and these credentials may list it (checked at start). */
    public void checkReachable() throws IOException {
        try {
            await(client.listObjectsV2(r -> r.bucket(bucket).prefix(prefix).maxKeys(1).overrideConfiguration(small)));
        } catch (IOException e) {
            throw new IOException("cannot reach bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    public String describe() {
        return "s3://" + bucket + "/" + prefix;
    }

    public Optional<Head> head(String key) throws IOException {
        try {
            HeadObjectResponse r = await(client.headObject(b -> b.bucket(bucket).key(prefix + key).overrideConfiguration(small)));
            return Optional.of(new Head(r.contentLength(), r.lastModified(), r.eTag()));
        } catch (NotFound e) {
            return Optional.empty();
        }
    }

    public Optional<Fetched> get(String key) throws IOException {
        try {
            ResponseBytes<GetObjectResponse> r = await(client.getObject(b -> b.bucket(bucket).key(prefix + key).overrideConfiguration(small),
                    AsyncResponseTransformer.toBytes()));
            return Optional.of(new Fetched(r.asByteArrayUnsafe(), r.response().lastModified(), r.response().eTag()));
        } catch (NotFound e) {
            return Optional.empty();
        }
    }

    /** Writes a small object whole; returns its ETag. */
    public String put(String key, byte[] content, Condition condition) throws IOException {
        return await(putAsync(key, content, condition));
    }

    /** As {@link #put}, without waiting: for many independent writes at once. */
    public CompletableFuture<String> putAsync(String key, byte[] content, Condition condition) {
        return client.putObject(conditional(PutObjectRequest.builder(), condition).bucket(bucket).key(prefix + key)
                        .contentLength((long) content.length).overrideConfiguration(small).build(), AsyncRequestBody.fromBytes(content))
                .thenApply(r -> r.eTag());
    }

    /** Writes {@code length} bytes of {@code file} from {@code position} as an object; returns its ETag. */
    public String putFile(String key, Path file, long position, long length) throws IOException {
        return await(putFileAsync(key, file, position, length));
    }

    /** As {@link #putFile}, without waiting; the file must stay until the write is done. */
    public CompletableFuture<String> putFileAsync(String key, Path file, long position, long length) {
        return client.putObject(b -> b.bucket(bucket).key(prefix + key).contentLength(length), fileRange(file, position, length))
                .thenApply(r -> r.eTag());
    }

    private static PutObjectRequest.Builder conditional(PutObjectRequest.Builder b, Condition condition) {
        if (condition.absent()) {
            b.ifNoneMatch("*");
        } else if (condition.etag() != null) {
            b.ifMatch(condition.etag());
        }
        return b;
    }

    /** Deletes the object; nothing happens when it is absent (S3's deletes are idempotent). */
    public void delete(String key) throws IOException {
        await(deleteAsync(key));
    }

    public CompletableFuture<Void> deleteAsync(String key) {
        return client.deleteObject(b -> b.bucket(bucket).key(prefix + key).overrideConfiguration(small)).thenApply(r -> (Void) null);
    }

    /** Deletes many objects at once (one request each, in parallel: DeleteObjects is not on every store). */
    public void deleteAll(List<String> keys) throws IOException {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (String key : keys) {
            pending.add(deleteAsync(key));
            if (pending.size() == 64) {
                await(CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)));
                pending.clear();
            }
        }
        await(CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)));
    }

    /** Every object under {@code keyPrefix} after {@code startAfter} (null: from the start), in key order, to {@code each}. */
    public void list(String keyPrefix, String startAfter, Consumer<Entry> each) throws IOException {
        String token = null;
        do {
            String t = token;
            ListObjectsV2Response r = await(client.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket)
                    .prefix(prefix + keyPrefix).continuationToken(t)
                    .startAfter(t == null && startAfter != null ? prefix + startAfter : null).overrideConfiguration(small).build()));
            for (S3Object o : r.contents()) {
                each.accept(new Entry(o.key().substring(prefix.length()), o.size(), o.lastModified(), o.eTag()));
            }
            token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
        } while (token != null);
    }

    public List<Entry> list(String keyPrefix) throws IOException {
        List<Entry> all = new ArrayList<>();
        list(keyPrefix, null, all::add);
        return all;
    }

    /** Copies an object inside the bucket (server side; in parts above S3's single-copy limit). */
    public void copy(String from, String to, long size) throws IOException {
        if (size <= MAX_SINGLE_COPY) {
            await(client.copyObject(b -> b.sourceBucket(bucket).sourceKey(prefix + from).destinationBucket(bucket)
                    .destinationKey(prefix + to)));
            return;
        }
        String id = createMultipart(to);
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int n = 1;
            for (long at = 0; at < size; at += COPY_PART, n++) {
                int number = n;
                String range = "bytes=" + at + "-" + (Math.min(size, at + COPY_PART) - 1);
                String etag = await(client.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(prefix + from)
                        .destinationBucket(bucket).destinationKey(prefix + to).uploadId(id).partNumber(number)
                        .copySourceRange(range))).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            completeMultipart(to, id, parts);
        } catch (IOException | RuntimeException e) {
            abortMultipart(to, id);
            throw e;
        }
    }

    public String createMultipart(String key) throws IOException {
        return await(client.createMultipartUpload(b -> b.bucket(bucket).key(prefix + key).overrideConfiguration(small))).uploadId();
    }

    /** Sends {@code length} bytes of {@code file} from {@code position} as part {@code number}; completes with its ETag. */
    public CompletableFuture<String> uploadPart(String key, String uploadId, int number, Path file, long position, long length) {
        return client.uploadPart(b -> b.bucket(bucket).key(prefix + key).uploadId(uploadId).partNumber(number)
                .contentLength(length), fileRange(file, position, length)).thenApply(r -> r.eTag());
    }

    public void completeMultipart(String key, String uploadId, List<CompletedPart> parts) throws IOException {
        await(client.completeMultipartUpload(CompleteMultipartUploadRequest.builder().bucket(bucket).key(prefix + key)
                .uploadId(uploadId).multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()).build()));
    }

    /** The multipart uploads in progress under {@code keyPrefix}. */
    public List<PendingUpload> listMultipart(String keyPrefix) throws IOException {
        List<PendingUpload> all = new ArrayList<>();
        String keyMarker = null;
        String idMarker = null;
        do {
            String k = keyMarker;
            String i = idMarker;
            ListMultipartUploadsResponse r = await(client.listMultipartUploads(b -> b.bucket(bucket).prefix(prefix + keyPrefix)
                    .keyMarker(k).uploadIdMarker(i).overrideConfiguration(small)));
            for (MultipartUpload u : r.uploads()) {
                all.add(new PendingUpload(u.key().substring(prefix.length()), u.uploadId(), u.initiated()));
            }
            boolean more = Boolean.TRUE.equals(r.isTruncated());
            keyMarker = more ? r.nextKeyMarker() : null;
            idMarker = more ? r.nextUploadIdMarker() : null;
        } while (keyMarker != null);
        return all;
    }

    public void abortMultipart(String key, String uploadId) throws IOException {
        try {
            await(client.abortMultipartUpload(b -> b.bucket(bucket).key(prefix + key).uploadId(uploadId).overrideConfiguration(small)));
        } catch (NotFound e) {
            // gone already
        }
    }

    /** Writes the whole object to {@code file}; false when it is absent. */
    public boolean download(String key, Path file) throws IOException {
        Files.deleteIfExists(file);
        try {
            await(client.getObject(b -> b.bucket(bucket).key(prefix + key), AsyncResponseTransformer.toFile(file)));
            return true;
        } catch (NotFound e) {
            Files.deleteIfExists(file);
            return false;
        }
    }

    /** The whole object as a stream, for a reader that blocks (verify); empty when it is absent. */
    public Optional<InputStream> openStream(String key) throws IOException {
        try {
            return Optional.of(await(client.getObject(b -> b.bucket(bucket).key(prefix + key),
                    AsyncResponseTransformer.<GetObjectResponse>toBlockingInputStream())));
        } catch (NotFound e) {
            return Optional.empty();
        }
    }

    /** A URL that lets its holder GET the object for {@code validity} without credentials. */
    public URI presignedGet(String key, Duration validity) {
        try {
            return presigner.presignGetObject(b -> b.signatureDuration(validity)
                    .getObjectRequest(g -> g.bucket(bucket).key(prefix + key))).url().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AsyncRequestBody fileRange(Path file, long position, long length) {
        return AsyncRequestBody.fromFile(FileRequestBodyConfiguration.builder().path(file).position(position).numBytesToRead(length)
                .chunkSizeInBytes(64 << 10).build());
    }

    /** Waits for an SDK call on this (worker) thread; its failure becomes an {@link IOException}. */
    static <T> T await(CompletableFuture<T> call) throws IOException {
        try {
            return call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            throw new InterruptedIOException("interrupted while waiting for S3");
        } catch (ExecutionException e) {
            throw asIOException(e.getCause());
        }
    }

    /** The form a failed SDK call takes for the stores. */
    static IOException asIOException(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof IOException io) {
            return io;
        }
        if (t instanceof UncheckedIOException u) {
            return u.getCause();
        }
        if (t instanceof S3Exception s3) {
            int status = s3.statusCode();
            if (status == 404) {
                return new NotFound(s3.getMessage());
            }
            if (status == 412 || status == 409) {
                return new PreconditionFailedException(s3.getMessage());
            }
            return new IOException("S3 answered " + status + ": " + s3.getMessage(), s3);
        }
        if (t instanceof SdkException sdk) {
            return new IOException("S3 request failed: " + sdk.getMessage(), sdk);
        }
        return new IOException("S3 request failed: " + t, t);
    }

    /** A missing object or upload (404); the public methods turn it into an empty answer where that is one. */
    static final class NotFound extends IOException {
        NotFound(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        client.close();
        presigner.close();
    }
}
