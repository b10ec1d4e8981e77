/**
 * What is in the store and whether it is whole: {@link dev.wharf.integrity.Verifier} re-hashes every blob
 * (manifests included) and moves those whose content no longer matches their digest to quarantine, where
 * nothing serves them; {@link dev.wharf.integrity.DiskUsage} adds up logical and physical bytes. Both
 * read through {@link dev.wharf.storage.Storage} and are driven by the {@code verify} and {@code du} commands.
 */
package dev.wharf.integrity;
