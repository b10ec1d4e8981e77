/**
 * Watching a running registry: Prometheus metrics ({@link dev.wharf.observability.Metrics}, served at
 * {@code /metrics}), the liveness and readiness probes ({@link dev.wharf.observability.Health}), and one JSON line
 * per request ({@link dev.wharf.observability.AccessLog}), all fed by one handler at the front of the router
 * ({@link dev.wharf.observability.RequestObserver}). Nothing here holds up a request: the log is written by a
 * thread of its own, the storage figures are measured on a timer. docs/observability.md lists every metric.
 */
package dev.wharf.observability;
