/**
 * The pull-through cache: Wharf as a mirror of Docker Hub, registry.k8s.io, ghcr.io or any v2 registry.
 * <p>
 * {@link dev.wharf.mirror.MirrorRoutes} decides, per request, whether a name belongs to an upstream (containerd's
 * {@code ns} parameter, a path prefix, or the default upstream) and under which local name its content is kept;
 * {@link dev.wharf.mirror.PullThrough} answers reads of such names from what is stored, and fills a miss from the
 * upstream through the registry service's own push operations (put-manifest, upload and finish), so cached content
 * is stored, verified, listed, collected and checked exactly like pushed content.
 * {@link dev.wharf.mirror.BlobFills} streams one upstream fetch to every client that waits for the same blob;
 * {@link dev.wharf.mirror.UpstreamClient} speaks to an upstream (anonymous, Basic or Bearer tokens);
 * {@link dev.wharf.mirror.CacheEviction} keeps the cache within its size and idle limits.
 */
package dev.wharf.mirror;
