package dev.wharf.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services' side of {@link RegistryEvents}: a listener that fails must not fail the push or delete that
 * already happened, so what it throws is logged and dropped here.
 */
final class EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(EventSink.class);

    private final RegistryEvents listener;

    EventSink(RegistryEvents listener) {
        this.listener = listener == null ? RegistryEvents.NONE : listener;
    }

    /** Whether anyone listens: work done only for the event (an extra read) is skipped when not. */
    boolean listening() {
        return listener != RegistryEvents.NONE;
    }

    void publish(RegistryEvent event) {
        try {
            listener.published(event);
        } catch (RuntimeException e) {
            LOG.warn("a listener of registry events failed on a {} of {}: {}", event.action(), event.repository(), e.toString());
        }
    }
}
