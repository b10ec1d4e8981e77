package dev.wharf.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.storage.Storage;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The listings: a repository's tags, the catalog of repositories, and the referrers of a manifest. */
public final class ListingService {

    private final Storage storage;
    private final Blocking blocking;

    ListingService(Storage storage, Blocking blocking) {
        this.storage = storage;
        this.blocking = blocking;
    }

    /** Up to {@code limit} tags in lexical order after {@code last}; {@code NAME_UNKNOWN} without the repository. */
    public Future<List<String>> tags(RepositoryName name, String last, int limit) {
        // In memory already (the usual case): answered without a thread hop.
        boolean inMemory = storage.repositories().isScanned() && storage.tags().isInMemory(name);
        return blocking.run(inMemory, () -> {
            if (!storage.repositories().exists(name)) {
                throw RegistryException.of(ErrorCode.NAME_UNKNOWN, "repository name not known to registry");
            }
            return storage.tags().list(name, last, limit);
        });
    }

    /** Up to {@code limit} repository names after {@code last} (lexical order) for which {@code visible} holds. */
    public Future<List<String>> repositories(String last, int limit, Predicate<RepositoryName> visible) {
        return blocking.run(storage.repositories().isScanned(), () -> {
            List<String> names = new ArrayList<>();
            String after = last;
            while (names.size() < limit) {
                List<String> batch = storage.repositories().list(after, limit);
                if (batch.isEmpty()) {
                    break;
                }
                for (String name : batch) {
                    if (names.size() < limit && visible.test(RepositoryName.parse(name))) {
                        names.add(name);
                    }
                }
                after = batch.get(batch.size() - 1);
            }
            return names;
        });
    }

    /**
     * The descriptors of the manifests whose subject is {@code subject}, those of {@code artifactType} only when
     * it is given; read from the records written at push time.
     */
    public Future<List<JsonNode>> referrers(RepositoryName name, Digest subject, String artifactType) {
        return blocking.run(() -> {
            List<JsonNode> found = new ArrayList<>();
            for (byte[] descriptor : storage.referrers().list(name, subject)) {
                JsonNode node = Json.MAPPER.readTree(descriptor);
                if (artifactType == null || artifactType.equals(node.path("artifactType").asText(null))) {
                    found.add(node);
                }
            }
            return found;
        });
    }
}
