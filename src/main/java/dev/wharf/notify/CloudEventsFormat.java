package dev.wharf.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.registry.RegistryEvent;

import java.util.Locale;

/**
 * CloudEvents 1.0 in structured JSON mode ({@code application/cloudevents+json}): one event per request, its
 * {@code type} naming what happened ({@code dev.wharf.manifest.pushed}, {@code .pulled}, {@code .deleted},
 * {@code dev.wharf.tag.deleted}, {@code dev.wharf.blob.deleted}), its {@code subject} the repository with the tag
 * or digest, and {@code data} the target's details.
 */
final class CloudEventsFormat implements EventFormat {
    static final String CONTENT_TYPE = "application/cloudevents+json";
    private static final String TYPE_PREFIX = "dev.wharf.";

    private final String source;

    CloudEventsFormat(String source) {
        this.source = source;
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public byte[] body(Notification notification) {
        RegistryEvent event = notification.event();
        ObjectNode root = JSON.createObjectNode()
                .put("specversion", "1.0")
                .put("id", notification.id())
                .put("source", source)
                .put("type", type(event))
                .put("subject", subject(event))
                .put("time", event.time().toString())
                .put("datacontenttype", "application/json");
        ObjectNode data = root.putObject("data");
        data.put("action", EventFormat.action(event));
        data.put("repository", event.repository().value());
        EventFormat.put(data, "tag", event.tag());
        EventFormat.put(data, "digest", event.digest());
        EventFormat.put(data, "mediaType", event.mediaType());
        EventFormat.put(data, "size", event.size());
        EventFormat.put(data, "url", EventFormat.url(source, event));
        return EventFormat.bytes(root);
    }

    static String type(RegistryEvent event) {
        String verb = switch (event.action()) {
            case PUSH -> "pushed";
            case PULL -> "pulled";
            case DELETE -> "deleted";
        };
        return TYPE_PREFIX + event.target().name().toLowerCase(Locale.ROOT) + "." + verb;
    }

    /** {@code team/app:1.0}, or {@code team/app@sha256:...} when the event names no tag. */
    static String subject(RegistryEvent event) {
        String name = event.repository().value();
        if (event.tag() != null) {
            return name + ":" + event.tag().value();
        }
        return event.digest() == null ? name : name + "@" + event.digest();
    }
}
