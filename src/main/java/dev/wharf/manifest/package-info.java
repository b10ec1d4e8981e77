/**
 * Manifests as documents: the media types Wharf accepts (OCI and Docker image manifests and indexes), parsing
 * and validation of a pushed manifest into a {@link dev.wharf.manifest.Manifest}, and the
 * {@link dev.wharf.manifest.Descriptor}s it references (config, layers, child manifests, subject). Nothing
 * here touches storage; checking that referenced content exists is the API's job.
 */
package dev.wharf.manifest;
