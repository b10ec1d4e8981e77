package dev.wharf.registry;

/**
 * Where the registry service tells what clients did (see {@link RegistryEvent}): the webhooks listen here. It is
 * called on whatever thread finished the operation, an event loop or a worker, before the client has its answer,
 * so an implementation must return at once: hand the event on, never block or do I/O. Whatever it throws is
 * logged and does not fail the operation.
 */
@FunctionalInterface
public interface RegistryEvents {
    /** No one listens. */
    RegistryEvents NONE = event -> { };

    void published(RegistryEvent event);
}
