package dev.wharf.storage.s3;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;
import dev.wharf.oci.Tag;

/**
 * Where everything lives in the bucket, under the configured prefix. The whole layout (docs/storage.md links here):
 * <pre>
 * blobs/&lt;alg&gt;/&lt;hex&gt;                         content, each once
 * touch/&lt;alg&gt;/&lt;hex&gt;                         empty; its time is the last reference to the blob (GC's grace)
 * trash/&lt;alg&gt;/&lt;hex&gt;                         a blob garbage collection set aside, until it settles
 * catalog/&lt;name&gt;                            empty: the repository exists (the catalog lists these)
 * repositories/&lt;name&gt;/_links/&lt;alg&gt;/&lt;hex&gt;     empty: the repository holds the blob
 * repositories/&lt;name&gt;/_revisions/&lt;alg&gt;/&lt;hex&gt; the manifest's media type: the repository holds it
 * repositories/&lt;name&gt;/_tags/&lt;tag&gt;             the digest the tag points at; its time is the push
 * repositories/&lt;name&gt;/_referrers/&lt;alg&gt;/&lt;hex&gt;/&lt;alg&gt;/&lt;hex&gt;  a referrer's descriptor (JSON)
 * uploads/&lt;id&gt;/state                        the upload's state (JSON: size, parts, hash state), from its first write;
 *                                           an ended one after it finished or was cancelled, until the purge
 * upload-index/&lt;name&gt;/&lt;id&gt;                 empty: an upload of the repository holding a state (counted for its cap)
 * uploads/&lt;id&gt;/data                         the multipart upload's object, assembled at the end
 * uploads/&lt;id&gt;/tail-&lt;n&gt;                     the bytes after the last whole part, as of state version n
 * gc/lease                                  which replica runs garbage collection, until when
 * auth/token-key.pem                        the built-in token service's signing key, when it generated one
 * auth/upload-key                           the key that seals upload ids (32 random bytes)
 * </pre>
 * No name component starts with {@code _} (the OCI grammar), so a repository's own keys cannot collide with a
 * nested repository's.
 */
final class S3Layout {
    static final String BLOBS = "blobs/";
    static final String TOUCH = "touch/";
    static final String TRASH = "trash/";
    static final String CATALOG = "catalog/";
    static final String UPLOADS = "uploads/";
    /** {@code upload-index/<name>/<id>}: the uploads open in a repository, listed for its cap without walking all. */
    static final String UPLOAD_INDEX = "upload-index/";
    static final String GC_LEASE = "gc/lease";
    /** The built-in token service's generated signing key, shared so a token from one replica is good on all. */
    static final String TOKEN_KEY = "auth/token-key.pem";
    /** The key that seals upload ids ({@link UploadIds}), made by the first replica to start, shared by all. */
    static final String UPLOAD_KEY = "auth/upload-key";
    /** {@code health/<replica>}: the object a readiness probe writes and removes, one per process. */
    static final String HEALTH = "health/";

    private S3Layout() {
    }

    static String blob(Digest d) {
        return BLOBS + d.algorithm().prefix() + "/" + d.hex();
    }

    static String touch(Digest d) {
        return TOUCH + d.algorithm().prefix() + "/" + d.hex();
    }

    static String trash(Digest d) {
        return TRASH + d.algorithm().prefix() + "/" + d.hex();
    }

    /** The digest a key under {@code blobs/}, {@code touch/} or {@code trash/} names, or null for a stray key. */
    static Digest digestOf(String key, String area) {
        String rest = key.substring(area.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return null;
        }
        try {
            return Digest.parse(rest.substring(0, slash) + ":" + rest.substring(slash + 1));
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String catalog(RepositoryName name) {
        return CATALOG + name;
    }

    static String repository(RepositoryName name) {
        return "repositories/" + name + "/";
    }

    static String links(RepositoryName name) {
        return repository(name) + "_links/";
    }

    static String link(RepositoryName name, Digest d) {
        return links(name) + d.algorithm().prefix() + "/" + d.hex();
    }

    static String revisions(RepositoryName name) {
        return repository(name) + "_revisions/";
    }

    static String revision(RepositoryName name, Digest d) {
        return revisions(name) + d.algorithm().prefix() + "/" + d.hex();
    }

    static String tags(RepositoryName name) {
        return repository(name) + "_tags/";
    }

    static String tag(RepositoryName name, Tag tag) {
        return tags(name) + tag.value();
    }

    static String referrers(RepositoryName name, Digest subject) {
        return repository(name) + "_referrers/" + subject.algorithm().prefix() + "/" + subject.hex() + "/";
    }

    static String referrer(RepositoryName name, Digest subject, Digest referrer) {
        return referrers(name, subject) + referrer.algorithm().prefix() + "/" + referrer.hex();
    }

    static String upload(String id) {
        return UPLOADS + id + "/";
    }

    static String uploadState(String id) {
        return upload(id) + "state";
    }

    static String uploadIndex(RepositoryName name) {
        return UPLOAD_INDEX + name + "/";
    }

    static String uploadIndexEntry(RepositoryName name, String id) {
        return uploadIndex(name) + id;
    }

    static String uploadData(String id) {
        return upload(id) + "data";
    }

    static String uploadTail(String id, long version) {
        return upload(id) + "tail-" + version;
    }
}
