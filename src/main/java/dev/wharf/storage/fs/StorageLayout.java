package dev.wharf.storage.fs;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;

import java.nio.file.Path;

/**
 * Where every byte lives under the storage root. The whole tree:
 *
 * <pre>
 * &lt;root&gt;/
 *   blobs/&lt;alg&gt;/&lt;hex[0..2]&gt;/&lt;hex&gt;/data     content (layers, configs, manifests), stored once whatever
 *                                          the number of repositories that hold it; written by renaming
 *                                          a verified, fsync'd temp file, so it is whole or absent
 *   repositories/&lt;name&gt;/                   one folder per repository, &lt;name&gt; may have several segments
 *     _layers/&lt;alg&gt;/&lt;hex&gt;                 empty link file: this repository holds the blob
 *     _manifests/revisions/&lt;alg&gt;/&lt;hex&gt;   link file: this repository holds the manifest; content = media type
 *     _manifests/tags/&lt;tag&gt;               content = the digest the tag points at (replaced atomically)
 *     _referrers/&lt;alg&gt;/&lt;subject hex&gt;/&lt;alg&gt;-&lt;hex&gt;  a manifest whose subject is that digest; content =
 *                                          its descriptor as JSON
 *   uploads/&lt;uuid&gt;/data                    bytes of an upload in progress (same file system as blobs/,
 *   uploads/&lt;uuid&gt;/info.json               so finishing an upload is a rename); which repository, when
 *   tmp/                                   temp files of atomic metadata writes
 *   quarantine/                            blobs that failed an integrity check; never served
 *   wharf.lock                             held by the process that owns the root
 *   layout.version                         the version of this tree (a number); see {@link LayoutVersion}
 *   auth/token-signing-key.pem             the token service's generated key (dev.wharf.auth), mode 0600
 * </pre>
 *
 * Repository name components never start with {@code _}, so {@code _layers} and friends cannot collide
 * with a nested repository. Every path under the root comes from here; docs/storage.md links to this tree.
 */
public final class StorageLayout {
    private static final String LAYERS = "_layers";
    private static final String MANIFESTS = "_manifests";
    private static final String REFERRERS = "_referrers";

    private final Path root;

    public StorageLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path blobsDir() {
        return root.resolve("blobs");
    }

    /** The folder of one digest algorithm's blobs, holding one shard folder per first two hex digits. */
    public Path blobsDir(Digest.Algorithm algorithm) {
        return blobsDir().resolve(algorithm.prefix());
    }

    public Path blobData(Digest digest) {
        return blobsDir(digest.algorithm()).resolve(digest.hex().substring(0, 2))
                .resolve(digest.hex()).resolve("data");
    }

    public Path repositoriesDir() {
        return root.resolve("repositories");
    }

    public Path repository(RepositoryName name) {
        return repositoriesDir().resolve(name.value());
    }

    public Path layerLink(RepositoryName name, Digest digest) {
        return layersDir(name).resolve(digest.algorithm().prefix()).resolve(digest.hex());
    }

    public Path layersDir(RepositoryName name) {
        return repository(name).resolve(LAYERS);
    }

    public Path revisionsDir(RepositoryName name) {
        return repository(name).resolve(MANIFESTS).resolve("revisions");
    }

    public Path revisionLink(RepositoryName name, Digest digest) {
        return revisionsDir(name).resolve(digest.algorithm().prefix()).resolve(digest.hex());
    }

    public Path tagsDir(RepositoryName name) {
        return repository(name).resolve(MANIFESTS).resolve("tags");
    }

    public Path tagFile(RepositoryName name, Tag tag) {
        return tagsDir(name).resolve(tag.value());
    }

    public Path referrersDir(RepositoryName name, Digest subject) {
        return repository(name).resolve(REFERRERS).resolve(subject.algorithm().prefix()).resolve(subject.hex());
    }

    public Path referrerFile(RepositoryName name, Digest subject, Digest referrer) {
        return referrersDir(name, subject).resolve(referrer.algorithm().prefix() + "-" + referrer.hex());
    }

    public Path uploadsDir() {
        return root.resolve("uploads");
    }

    public Path uploadDir(String uuid) {
        return uploadsDir().resolve(uuid);
    }

    public Path uploadData(String uuid) {
        return uploadDir(uuid).resolve("data");
    }

    public Path uploadInfo(String uuid) {
        return uploadDir(uuid).resolve("info.json");
    }

    public Path tmpDir() {
        return root.resolve("tmp");
    }

    public Path quarantineDir() {
        return root.resolve("quarantine");
    }

    /** Where a blob that failed verification is kept. */
    public Path quarantined(Digest digest) {
        return quarantineDir().resolve(digest.algorithm().prefix() + "-" + digest.hex());
    }

    public Path lockFile() {
        return root.resolve("wharf.lock");
    }

    public Path versionFile() {
        return root.resolve("layout.version");
    }

    /** The key the built-in token service generates when none is configured. */
    public Path tokenSigningKey() {
        return root.resolve("auth").resolve("token-signing-key.pem");
    }

    /**
     * Whether a folder name under {@code repositories/} marks the folder above it as a repository (it holds
     * blob links or manifests), as the scan for repository names needs to know.
     */
    static boolean isRepositoryMarker(String folderName) {
        return folderName.equals(LAYERS) || folderName.equals(MANIFESTS);
    }
}
