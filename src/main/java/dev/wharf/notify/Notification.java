package dev.wharf.notify;

import dev.wharf.registry.RegistryEvent;

/**
 * A registry event on its way out, with the id it keeps through every retry and at every endpoint, so that a
 * receiver can recognise a delivery it has already had.
 */
record Notification(String id, RegistryEvent event) {
}
