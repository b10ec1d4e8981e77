/**
 * Webhooks: outside systems told of what clients do to the registry (docs/webhooks.md).
 * <p>
 * {@link dev.wharf.notify.Webhooks} listens to the registry service's {@link dev.wharf.registry.RegistryEvents} and
 * hands each event to every {@link dev.wharf.notify.WebhookEndpoint} whose {@link dev.wharf.notify.EventFilter}
 * takes it. An endpoint keeps a bounded queue and delivers one event at a time (so a receiver sees one repository's
 * events in the order they happened), retrying with exponential backoff; a full queue drops the new event, counts
 * and logs it, and never holds up the push that caused it. The body is CloudEvents 1.0 or Distribution's envelope
 * ({@link dev.wharf.notify.EventFormat}), signed with HMAC-SHA256 when the endpoint has a secret
 * ({@link dev.wharf.notify.Signature}).
 */
package dev.wharf.notify;
