/**
 * Garbage collection: mark every blob reachable from a kept manifest of any repository, sweep the rest, and
 * optionally drop manifests no tag reaches and tags that retention policies expire. The same
 * {@link dev.wharf.gc.GarbageCollector} runs inside the server (on a schedule and on
 * {@code POST /_wharf/gc}) and in the offline {@code wharf gc} command; it works only through the
 * {@link dev.wharf.storage.Storage} APIs so the server's in-memory indexes stay right. Why it is safe
 * beside concurrent pushes is argued in docs/storage.md.
 */
package dev.wharf.gc;
