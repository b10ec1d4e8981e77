package dev.wharf.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Upload sessions on disk ({@code uploads/<uuid>/}), so that they survive a restart, plus the SHA-256 state
 * of each one kept in memory between chunks. When that state is missing (after a restart) or out of step
 * with the file, it is rebuilt by hashing the file again. All methods block except {@link #appender}.
 */
public final class UploadStore {
    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StorageLayout layout;
    private final Durability durability;
    private final Executor io;
    private final WriteChannels channels;
    private final Map<String, HashState> hashes = new ConcurrentHashMap<>();
    private final Set<String> writing = ConcurrentHashMap.newKeySet();

    /** How far an upload has been hashed: {@code offset} bytes went into {@code hasher}. */
    private record HashState(long offset, MessageDigest hasher) {
    }

    public UploadStore(StorageLayout layout, Durability durability, Executor io, WriteChannels channels) {
        this.layout = layout;
        this.durability = durability;
        this.io = io;
        this.channels = channels;
    }

    public UploadSession create(RepositoryName repository) throws IOException {
        String id = UUID.randomUUID().toString();
        // Marked as being written while its files appear, so the purge cannot take a half-made session.
        writing.add(id);
        try {
            Path dir = layout.uploadDir(id);
            Files.createDirectories(dir);
            Instant now = Instant.now();
            ObjectNode info = JSON.createObjectNode().put("repository", repository.value()).put("startedAt", now.toString());
            durability.writeAtomicallyUnsynced(dir.resolve("info.json"), JSON.writeValueAsBytes(info));
            Files.createFile(dir.resolve("data"));
            return new UploadSession(id, repository, now);
        } finally {
            writing.remove(id);
        }
    }

    /** The session {@code id} of {@code repository}, or {@code BLOB_UPLOAD_UNKNOWN}. */
    public UploadSession get(RepositoryName repository, String id) {
        if (id == null || !UUID_FORM.matcher(id).matches()) {
            throw RegistryException.of(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload unknown");
        }
        try {
            ObjectNode info = (ObjectNode) JSON.readTree(layout.uploadDir(id).resolve("info.json").toFile());
            if (!repository.value().equals(info.path("repository").asText()) || !Files.exists(dataPath(id))) {
                throw RegistryException.of(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload unknown");
            }
            return new UploadSession(id, repository, Instant.parse(info.path("startedAt").asText()));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw RegistryException.of(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload unknown");
        } catch (IOException e) {
            throw new StorageException("cannot read upload " + id, e);
        }
    }

    public Path dataPath(String id) {
        return layout.uploadDir(id).resolve("data");
    }

    public long size(UploadSession session) throws IOException {
        return Files.size(dataPath(session.id()));
    }

    /**
     * Opens the session for one write that must start at {@code expectedOffset} (or at the end when
     * negative). Only one write per session at a time: a second one is refused while the first runs.
     */
    public UploadAppender appender(UploadSession session, long expectedOffset) throws IOException {
        if (!writing.add(session.id())) {
            throw RegistryException.withStatus(ErrorCode.BLOB_UPLOAD_INVALID, 416, "another request is writing to this upload");
        }
        try {
            FileChannel channel = channels.openForWrite(dataPath(session.id()));
            long size = channel.size();
            if (expectedOffset >= 0 && expectedOffset != size) {
                channel.close();
                throw RegistryException.withDetail(ErrorCode.RANGE_INVALID,
                        "chunk starts at " + expectedOffset + " but the upload has " + size + " bytes",
                        Map.of("size", size));
            }
            channel.position(size);
            MessageDigest hasher = hasherAt(session.id(), size);
            return new UploadAppender(channel, hasher, size, io, durability, io, result -> finishWrite(session.id(), result));
        } catch (IOException | RuntimeException e) {
            writing.remove(session.id());
            throw e;
        }
    }

    private void finishWrite(String id, UploadAppender.Result result) {
        if (result != null) {
            hashes.put(id, new HashState(result.size(), result.hasher()));
        } else {
            hashes.remove(id);
        }
        writing.remove(id);
    }

    /** The digest of everything uploaded so far, in {@code algorithm}. */
    public Digest digest(UploadSession session, Digest.Algorithm algorithm) throws IOException {
        long size = size(session);
        MessageDigest hasher = algorithm == Digest.Algorithm.SHA256
                ? hasherAt(session.id(), size)
                : rehash(session.id(), algorithm, size);
        return Digest.of(algorithm, hasher.digest());
    }

    private MessageDigest hasherAt(String id, long size) throws IOException {
        HashState state = hashes.get(id);
        if (state != null && state.offset() == size) {
            try {
                return (MessageDigest) state.hasher().clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }
        return rehash(id, Digest.Algorithm.SHA256, size);
    }

    private MessageDigest rehash(String id, Digest.Algorithm algorithm, long size) throws IOException {
        MessageDigest hasher = algorithm.newHasher();
        try (InputStream in = Files.newInputStream(dataPath(id))) {
            byte[] buf = new byte[1 << 16];
            long left = size;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("upload " + id + " is shorter than " + size + " bytes");
                }
                hasher.update(buf, 0, n);
                left -= n;
            }
        }
        return hasher;
    }

    /** Syncs the upload's data so it can be renamed into the blob store. */
    public Path syncedData(UploadSession session) throws IOException {
        Path data = dataPath(session.id());
        durability.syncFile(data);
        return data;
    }

    public void delete(String id) throws IOException {
        hashes.remove(id);
        Path dir = layout.uploadDir(id);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Removes every upload not written to for {@code expiry}; returns how many went. */
    public int purgeAbandoned(Duration expiry) throws IOException {
        Path dir = layout.uploadsDir();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        Instant cutoff = Instant.now().minus(expiry);
        int purged = 0;
        try (Stream<Path> uploads = Files.list(dir)) {
            for (Path upload : (Iterable<Path>) uploads::iterator) {
                String id = upload.getFileName().toString();
                if (writing.contains(id)) {
                    continue;
                }
                Path data = upload.resolve("data");
                Path stamp = Files.exists(data) ? data : upload;
                if (Files.getLastModifiedTime(stamp).toInstant().isBefore(cutoff)) {
                    delete(id);
                    purged++;
                }
            }
        }
        return purged;
    }
}
