package dev.wharf.mirror;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each cached image (repository and manifest digest) was last pulled, for eviction. Kept in memory, written
 * to one small file now and then and at shutdown (temp file, then rename), and read back at start; an image with
 * no record counts as pulled when the file was last read, so a lost record never evicts at once.
 */
final class LastPulled {
    private static final Logger LOG = LoggerFactory.getLogger(LastPulled.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Long> pulledAt = new ConcurrentHashMap<>();
    private final long loadedAt = System.currentTimeMillis();
    private volatile boolean dirty;

    LastPulled(Path file) {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try {
                pulledAt.putAll(JSON.readValue(file.toFile(), new TypeReference<Map<String, Long>>() { }));
            } catch (IOException e) {
                LOG.warn("cannot read {} (cached images count as pulled now): {}", file, e.toString());
            }
        }
    }

    void record(RepositoryName repository, Digest digest) {
        pulledAt.put(key(repository, digest), System.currentTimeMillis());
        dirty = true;
    }

    /** When the image was last pulled (epoch millis); the start time when nothing is known. */
    long get(RepositoryName repository, Digest digest) {
        return pulledAt.getOrDefault(key(repository, digest), loadedAt);
    }

    void forget(RepositoryName repository, Digest digest) {
        pulledAt.remove(key(repository, digest));
        dirty = true;
    }

    /** Writes the records if they changed. Blocking. */
    void save() {
        if (!dirty) {
            return;
        }
        dirty = false;
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), Map.copyOf(pulledAt));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            dirty = true;
            LOG.warn("cannot save when cached images were last pulled to {}: {}", file, e.toString());
        }
    }

    private static String key(RepositoryName repository, Digest digest) {
        return repository.value() + "@" + digest;
    }
}
