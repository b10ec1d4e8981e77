package dev.wharf.registry;

import dev.wharf.config.WharfConfig;

/**
 * What the registry service needs to know of the configuration.
 *
 * @param deleteEnabled           whether manifests, tags and blobs may be deleted
 * @param maxUploadsPerRepository upload sessions one repository may hold open at once (0: no limit)
 */
public record RegistrySettings(boolean deleteEnabled, int maxUploadsPerRepository) {

    public static RegistrySettings from(WharfConfig config) {
        return new RegistrySettings(config.storage().deleteEnabled(), config.uploads().maxPerRepository());
    }
}
