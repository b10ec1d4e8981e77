package dev.wharf.storage.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An upload as the bucket keeps it between requests ({@code uploads/<id>/state}), so that any replica can take the
 * next one: the bytes so far are the multipart upload's {@code parts} followed by the tail object (fewer bytes than a
 * part); {@code hash} is the SHA-256 state after all of them. {@code version} grows with every change of the state
 * (each claimed by a conditional write); a write names its tail object after the version it will write
 * ({@code tailVersion} then), so a write that is lost half-way never overwrites the tail that the state in force
 * points at. {@code writer} is the request that holds the upload now, since {@code claimedAtMillis}: one writer at a
 * time across all replicas, as the parts it sends are numbered from the state it claimed. {@code ended}: the upload
 * was finished or cancelled, and its id is answered as unknown until the purge removes this record (an upload with
 * no state object at all is one not written to yet, see {@link UploadIds}).
 */
record UploadState(String repository, long startedAtMillis, long size, String multipartId, List<Part> parts,
                   long tailSize, long tailVersion, long version, String hash, String writer, long claimedAtMillis,
                   boolean ended) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One part of the multipart upload, as CompleteMultipartUpload needs it. */
    record Part(int number, long size, String etag) {
    }

    UploadState {
        parts = List.copyOf(parts);
    }

    static UploadState fresh(String repository, long nowMillis) {
        return new UploadState(repository, nowMillis, 0, null, List.of(), 0, 0, 0, "", null, 0, false);
    }

    /** What an upload leaves once finished or cancelled. */
    static UploadState ended(long nowMillis) {
        return new UploadState("", nowMillis, 0, null, List.of(), 0, 0, 0, "", null, 0, true);
    }

    /** Whether a writer holds the upload: claimed less than {@code timeoutMillis} ago (a dead replica's claim runs out). */
    boolean claimed(long nowMillis, long timeoutMillis) {
        return writer != null && nowMillis - claimedAtMillis < timeoutMillis;
    }

    UploadState claimedBy(String newWriter, long nowMillis) {
        return new UploadState(repository, startedAtMillis, size, multipartId, parts, tailSize, tailVersion, version + 1, hash,
                newWriter, nowMillis, false);
    }

    UploadState released() {
        return new UploadState(repository, startedAtMillis, size, multipartId, parts, tailSize, tailVersion, version + 1, hash,
                null, 0, false);
    }

    long partBytes() {
        return size - tailSize;
    }

    UploadState next(String multipartId, List<Part> added, long tailSize, String hash) {
        List<Part> all = new ArrayList<>(parts);
        all.addAll(added);
        long total = all.stream().mapToLong(Part::size).sum() + tailSize;
        return new UploadState(repository, startedAtMillis, total, multipartId, all, tailSize, version + 1, version + 1, hash,
                null, 0, false);
    }

    byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static UploadState fromJson(byte[] json) throws IOException {
        return JSON.readValue(json, UploadState.class);
    }
}
