/**
 * The registry service: what the registry does, apart from how it is asked. {@link dev.wharf.registry.Registry}
 * is the entry point, with one service per concern: {@link dev.wharf.registry.ManifestService} (read, push,
 * delete manifests and tags), {@link dev.wharf.registry.BlobService}, {@link dev.wharf.registry.UploadService}
 * (sessions, finish, mounts) and {@link dev.wharf.registry.ListingService} (tags, catalog, referrers). They run
 * over the store interfaces of {@code dev.wharf.storage}, and {@link dev.wharf.registry.Failures} is the one
 * place where store failures become error codes. What clients push, pull and delete is published to a
 * {@link dev.wharf.registry.RegistryEvents} listener (the webhooks) once it has succeeded. Start reading at {@code Registry}.
 */
package dev.wharf.registry;
