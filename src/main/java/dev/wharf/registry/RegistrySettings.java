package dev.wharf.registry;

import dev.wharf.config.WharfConfig;

/**
 * What the registry service needs to know of the configuration.
 *
 * @param deleteEnabled           whether manifests, tags and blobs may be deleted
 * @param maxUploadsPerRepository upload sessions one repository may hold open at once (0: no limit)
 * @param automaticMount          whether a mount without a source repository looks for one
 */
public record RegistrySettings(boolean deleteEnabled, int maxUploadsPerRepository, boolean automaticMount) {

    public static RegistrySettings from(WharfConfig config) {
        return new RegistrySettings(config.storage().deleteEnabled(), config.uploads().maxPerRepository(),
                config.uploads().automaticMount());
    }
}
