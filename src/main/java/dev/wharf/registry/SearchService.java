package dev.wharf.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.error.RegistryException;
import dev.wharf.manifest.Descriptor;
import dev.wharf.manifest.Manifest;
import dev.wharf.manifest.ManifestParser;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;
import dev.wharf.storage.Storage;
import dev.wharf.storage.StoredManifest;
import io.vertx.core.Future;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Repository search, for {@code docker search}: names that contain the term (case-insensitive), only those the
 * caller may pull, each with the description its newest image declares: the manifest's (or index's)
 * {@code org.opencontainers.image.description} annotation, else the config's label of that name.
 */
public final class SearchService {
    static final String DESCRIPTION = "org.opencontainers.image.description";
    /** A config blob larger than this is not read for a description (a real one is a few KiB). */
    private static final long MAX_CONFIG_BYTES = 1 << 20;

    private final Storage storage;
    private final Blocking blocking;

    SearchService(Storage storage, Blocking blocking) {
        this.storage = storage;
        this.blocking = blocking;
    }

    public Future<SearchResult> search(String term, int limit, Predicate<RepositoryName> visible) {
        String needle = term.toLowerCase(Locale.ROOT);
        return blocking.run(() -> {
            int total = 0;
            List<SearchResult.Match> matches = new ArrayList<>();
            for (String name : storage.repositories().names()) {
                if (!name.contains(needle)) { // names are lower case by the grammar
                    continue;
                }
                RepositoryName repository = RepositoryName.parse(name);
                if (!visible.test(repository)) {
                    continue;
                }
                total++;
                if (matches.size() < limit) {
                    matches.add(new SearchResult.Match(name, description(repository)));
                }
            }
            return new SearchResult(total, matches);
        });
    }

    /** The description of the repository's newest image, or null. A damaged manifest has none. */
    private String description(RepositoryName repository) throws IOException {
        Tag newest = storage.tags().newest(repository);
        Digest digest = newest == null ? null : storage.tags().resolve(repository, newest);
        StoredManifest stored = digest == null ? null : storage.manifests().get(repository, digest);
        if (stored == null) {
            return null;
        }
        Manifest manifest;
        try {
            manifest = ManifestParser.parse(stored.content(), stored.mediaType());
        } catch (RegistryException unreadable) {
            return null;
        }
        String annotated = manifest.annotations() == null ? null : manifest.annotations().get(DESCRIPTION);
        if (annotated != null || manifest.config() == null) {
            return annotated;
        }
        return configLabel(manifest.config());
    }

    private String configLabel(Descriptor config) throws IOException {
        // the stored size, not the descriptor's claim: nothing large is read into memory whatever a manifest says
        java.util.OptionalLong size = storage.blobs().size(config.digest());
        if (size.isEmpty() || size.getAsLong() > MAX_CONFIG_BYTES) {
            return null;
        }
        try {
            JsonNode label = Json.MAPPER.readTree(storage.blobs().read(config.digest())).path("config").path("Labels").path(DESCRIPTION);
            return label.isTextual() ? label.asText() : null;
        } catch (NoSuchFileException | com.fasterxml.jackson.core.JsonProcessingException unreadable) {
            return null;
        }
    }
}
