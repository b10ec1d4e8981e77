/**
 * Several Wharf processes over one S3 bucket (Adobe S3Mock), as a load-balanced deployment runs them: a
 * {@link dev.wharf.replicas.RoundRobinProxy} sends each request to the next replica in turn, so every push and
 * pull of a real client (skopeo, podman, containerd, Docker Engine) is spread over all of them; other tests talk
 * to the replicas one by one to force an upload, a tag change or a garbage collection across them, or kill one
 * in the middle of pushes.
 */
package dev.wharf.replicas;
