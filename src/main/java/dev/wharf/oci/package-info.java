/**
 * The values every request is made of, parsed once at the edge so that no handler sees an unchecked string:
 * {@link dev.wharf.oci.RepositoryName} (the spec's grammar, bounded length, nothing that could leave the
 * storage root), {@link dev.wharf.oci.Digest} ({@code sha256} and {@code sha512}),
 * {@link dev.wharf.oci.Tag}, and {@link dev.wharf.oci.Reference} (a tag or a digest).
 */
package dev.wharf.oci;
