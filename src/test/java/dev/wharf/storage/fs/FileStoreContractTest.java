package dev.wharf.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wharf.config.ConfigLoader;
import dev.wharf.oci.Digest;
import dev.wharf.oci.Tag;
import dev.wharf.storage.Storage;
import dev.wharf.storage.StoreContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the filesystem driver; "another process" is the next process on the root, after a restart. */
class FileStoreContractTest extends StoreContract {
    @TempDir
    Path root;

    @Override
    protected Storage open() throws IOException {
        return openAgain();
    }

    @Override
    protected Storage openAgain() throws IOException {
        return new Storage(ConfigLoader.defaultsOnly().withStorageRoot(root.toString()).storage());
    }

    @Override
    protected Duration cacheBound() {
        return Duration.ZERO;
    }

    @Override
    protected boolean exclusiveLease() {
        return false;
    }

    /** One process owns a root: a moved tag is what the next one reads. */
    @Override
    @Test
    protected void aTagMovedInOneProcessIsSeenByAnotherWithinTheCacheBound() throws Exception {
        Digest one = Digest.sha256("one".getBytes(StandardCharsets.UTF_8));
        Digest two = Digest.sha256("two".getBytes(StandardCharsets.UTF_8));
        storage.repositories().remember(REPO);
        storage.tags().tag(REPO, new Tag("latest"), one);
        storage.tags().tag(REPO, new Tag("latest"), two);
        storage.close();
        storage = openAgain();
        assertEquals(two, storage.tags().resolve(REPO, new Tag("latest")));
    }
}
