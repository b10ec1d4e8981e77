package dev.wharf.storage;

import dev.wharf.oci.Digest;
import dev.wharf.oci.RepositoryName;

import java.io.IOException;
import java.util.List;

/** The referrers of each subject: manifests whose {@code subject} is that digest, each as its descriptor (JSON). Blocking. */
public interface ReferrerStore {

    void add(RepositoryName repository, Digest subject, Digest referrer, byte[] descriptorJson) throws IOException;

    void remove(RepositoryName repository, Digest subject, Digest referrer) throws IOException;

    /** The descriptors (as JSON) of the manifests that refer to {@code subject}, in a stable order. */
    List<byte[]> list(RepositoryName repository, Digest subject) throws IOException;
}
