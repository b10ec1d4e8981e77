package dev.wharf.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.registry.RegistryEvent;

import java.util.Locale;

/** How an endpoint's request body is written: CloudEvents 1.0 or Distribution's envelope (docs/webhooks.md). */
interface EventFormat {
    ObjectMapper JSON = new ObjectMapper();

    String contentType();

    byte[] body(Notification notification);

    /** @param source the registry's URL as receivers know it */
    static EventFormat named(String format, String source, String instanceId) {
        return switch (format) {
            case "cloudevents" -> new CloudEventsFormat(source);
            case "distribution" -> new DistributionFormat(source, instanceId);
            default -> throw new IllegalArgumentException("unknown webhook format " + format);
        };
    }

    /** The lower-case action: {@code push}, {@code pull}, {@code delete}. */
    static String action(RegistryEvent event) {
        return event.action().name().toLowerCase(Locale.ROOT);
    }

    /**
     * Where the target can be fetched, as Distribution states it: the manifest or blob by digest, or the tag when
     * there is no digest. For a delete it says where the target was.
     */
    static String url(String source, RegistryEvent event) {
        String kind = event.target() == RegistryEvent.Target.BLOB ? "/blobs/" : "/manifests/";
        String reference = event.digest() != null ? event.digest().toString() : event.tag() == null ? null : event.tag().value();
        return reference == null ? null : source + "/v2/" + event.repository() + kind + reference;
    }

    /** Puts the field unless the value is unknown (null, or -1 for a size). */
    static void put(ObjectNode node, String field, Object value) {
        if (value instanceof Long size) {
            if (size >= 0) {
                node.put(field, size);
            }
        } else if (value != null) {
            node.put(field, value.toString());
        }
    }

    static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
