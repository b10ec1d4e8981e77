package dev.wharf.storage.fs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.StorageException;
import dev.wharf.storage.UploadAppender;
import dev.wharf.storage.UploadSession;
import dev.wharf.storage.UploadStateException;
import dev.wharf.storage.UploadStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
 * The filesystem driver's upload sessions, on disk ({@code uploads/<uuid>/}, see {@link StorageLayout}) so that
 * they survive a restart, plus the SHA-256 state of each one kept in memory between chunks. When that state is
 * missing (after a restart) or out of step with the file, it is rebuilt by hashing the file again. Uploads live
 * on the same file system as blobs, so committing one is a rename. All methods block except the appender's writes.
 */
public final class FileUploadStore implements UploadStore {
    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StorageLayout layout;
    private final Durability durability;
    private final Executor io;
    private final WriteChannels channels;
    private final FileBlobStore blobs;
    /**
     * Batches of 256 KiB (a thread hand-off and a write call per batch, not per network read), up to 64 of them
     * direct (16 MiB: eight uploads' worth at the appender's high-water mark of 2 MiB, a quarter of the
     * launcher's direct-memory limit); more uploads than that at once fall back to heap batches.
     */
    private final BatchBuffers buffers = new BatchBuffers(256 << 10, 64);
    private final Map<String, HashState> hashes = new ConcurrentHashMap<>();
    /**
     * Sessions this process made, so that each PATCH and PUT need not read and parse {@code info.json} again;
     * sessions of an earlier run are read from disk (and then kept here too).
     */
    private final Map<String, UploadSession> sessions = new ConcurrentHashMap<>();
    private final Set<String> writing = ConcurrentHashMap.newKeySet();
    /** Which repository each session belongs to, read from disk once (lazily), for {@link #count}. */
    private volatile Map<String, RepositoryName> owners;
    /** Sessions per repository, kept with {@link #owners}, so that a start costs no walk over every session. */
    private final Map<RepositoryName, Integer> perRepository = new ConcurrentHashMap<>();

    /** How far an upload has been hashed: {@code offset} bytes went into {@code hasher}. */
    private record HashState(long offset, MessageDigest hasher) {
    }

    public FileUploadStore(StorageLayout layout, Durability durability, FileBlobStore blobs, Executor io, WriteChannels channels) {
        this.layout = layout;
        this.blobs = blobs;
        this.durability = durability;
        this.io = io;
        this.channels = channels;
    }

    @Override
    public UploadSession create(RepositoryName repository) throws IOException {
        String id = UUID.randomUUID().toString();
        // Marked as being written while its files appear, so the purge cannot take a half-made session.
        writing.add(id);
        try {
            Path dir = layout.uploadDir(id);
            Files.createDirectories(dir);
            Instant now = Instant.now();
            ObjectNode info = JSON.createObjectNode().put("repository", repository.value()).put("startedAt", now.toString());
            durability.writeAtomicallyUnsynced(layout.uploadInfo(id), JSON.writeValueAsBytes(info));
            Files.createFile(layout.uploadData(id));
            if (owners().put(id, repository) == null) {
                perRepository.merge(repository, 1, Integer::sum);
            }
            UploadSession session = new UploadSession(id, repository, now);
            sessions.put(id, session);
            return session;
        } finally {
            writing.remove(id);
        }
    }

    @Override
    public UploadSession get(RepositoryName repository, String id) {
        if (id == null || !UUID_FORM.matcher(id).matches()) {
            throw UploadStateException.unknown();
        }
        UploadSession known = sessions.get(id);
        if (known != null) {
            // Still on disk: the purge and a delete drop the entry first, but the folder may go by other hands.
            if (!known.repository().equals(repository) || !Files.exists(dataPath(id))) {
                throw UploadStateException.unknown();
            }
            return known;
        }
        try {
            ObjectNode info = readInfo(id);
            if (!repository.value().equals(info.path("repository").asText()) || !Files.exists(dataPath(id))) {
                throw UploadStateException.unknown();
            }
            UploadSession session = new UploadSession(id, repository, Instant.parse(info.path("startedAt").asText()));
            sessions.put(id, session);
            return session;
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw UploadStateException.unknown();
        } catch (IOException e) {
            throw new StorageException("cannot read upload " + id, e);
        }
    }

    private ObjectNode readInfo(String id) throws IOException {
        return (ObjectNode) JSON.readTree(layout.uploadInfo(id).toFile());
    }

    /** The batch buffers of every appender (package-private: tests check that none is lost). */
    BatchBuffers batchBuffers() {
        return buffers;
    }

    @Override
    public Path dataPath(String id) {
        return layout.uploadData(id);
    }

    @Override
    public long size(UploadSession session) throws IOException {
        return Files.size(dataPath(session.id()));
    }

    @Override
    public UploadAppender appender(UploadSession session, long expectedOffset) throws IOException {
        if (!writing.add(session.id())) {
            throw new UploadStateException(UploadStateException.Kind.BUSY, "another request is writing to this upload", -1);
        }
        try {
            FileChannel channel = channels.openForWrite(dataPath(session.id()));
            long size = channel.size();
            if (expectedOffset >= 0 && expectedOffset != size) {
                channel.close();
                throw new UploadStateException(UploadStateException.Kind.OFFSET,
                        "chunk starts at " + expectedOffset + " but the upload has " + size + " bytes", size);
            }
            channel.position(size);
            MessageDigest hasher = hasherAt(session.id(), size);
            return new FileUploadAppender(channel, hasher, size, io, buffers, durability, io, result -> finishWrite(session.id(), result));
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

    @Override
    public Digest digest(UploadSession session, Digest.Algorithm algorithm) throws IOException {
        long size = size(session);
        MessageDigest hasher = algorithm == Digest.Algorithm.SHA256
                ? hasherAt(session.id(), size)
                : rehash(session.id(), algorithm, size);
        return Digest.of(algorithm, hasher.digest());
    }

    private MessageDigest hasherAt(String id, long size) throws IOException {
        if (size == 0) {
            return Digest.Algorithm.SHA256.newHasher();
        }
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

    /** Syncs the upload's data, then renames it into the blob store (or drops it when the blob is there already). */
    @Override
    public void commit(UploadSession session, Digest digest) throws IOException {
        Path data = dataPath(session.id());
        durability.syncFile(data);
        blobs.commit(data, digest);
    }

    @Override
    public void delete(String id) throws IOException {
        hashes.remove(id);
        sessions.remove(id);
        RepositoryName owner = owners().remove(id);
        if (owner != null) {
            perRepository.computeIfPresent(owner, (name, n) -> n > 1 ? n - 1 : null);
        }
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

    @Override
    public int count(RepositoryName repository) {
        owners();
        return perRepository.getOrDefault(repository, 0);
    }

    /** The owner of every session on disk, read once; sessions of earlier runs count as much as new ones. */
    private Map<String, RepositoryName> owners() {
        Map<String, RepositoryName> current = owners;
        if (current == null) {
            synchronized (this) {
                if (owners == null) {
                    owners = scanOwners();
                }
                current = owners;
            }
        }
        return current;
    }

    private Map<String, RepositoryName> scanOwners() {
        Map<String, RepositoryName> found = new ConcurrentHashMap<>();
        Path dir = layout.uploadsDir();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (Stream<Path> uploads = Files.list(dir)) {
            for (Path upload : (Iterable<Path>) uploads::iterator) {
                String id = upload.getFileName().toString();
                try {
                    RepositoryName owner = RepositoryName.parse(readInfo(id).path("repository").asText());
                    found.put(id, owner);
                    perRepository.merge(owner, 1, Integer::sum);
                } catch (IOException | RuntimeException unreadable) {
                    // half-made or damaged: the purge removes it in time; it holds no slot meanwhile
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot list uploads", e);
        }
        return found;
    }

    @Override
    public long bytesInProgress() throws IOException {
        Path dir = layout.uploadsDir();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long total = 0;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    try {
                        total += Files.size(f);
                    } catch (NoSuchFileException finishedMeanwhile) {
                        // a running server completed or purged the upload
                    }
                }
            }
        } catch (UncheckedIOException finishedMeanwhile) {
            // a folder went while it was walked; the total is a snapshot anyway
        }
        return total;
    }

    @Override
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
                Path data = layout.uploadData(id);
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
