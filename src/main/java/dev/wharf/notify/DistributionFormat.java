package dev.wharf.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.registry.RegistryEvent;

import java.net.URI;

/**
 * CNCF Distribution's notification envelope ({@code application/vnd.docker.distribution.events.v2+json}), for
 * receivers written for Distribution: {@code {"events": [...]}} with its fields and action names. Distribution
 * batches; here each request carries one event. The {@code request} and {@code actor} objects are left out: the
 * registry service, where events come from, knows neither the HTTP request nor the user.
 */
final class DistributionFormat implements EventFormat {
    static final String CONTENT_TYPE = "application/vnd.docker.distribution.events.v2+json";

    private final String source;
    private final String addr;
    private final String instanceId;

    DistributionFormat(String source, String instanceId) {
        this.source = source;
        URI uri = URI.create(source);
        this.addr = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        this.instanceId = instanceId;
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public byte[] body(Notification notification) {
        RegistryEvent event = notification.event();
        ObjectNode root = JSON.createObjectNode();
        ObjectNode entry = root.putArray("events").addObject()
                .put("id", notification.id())
                .put("timestamp", event.time().toString())
                .put("action", EventFormat.action(event));
        ObjectNode target = entry.putObject("target");
        EventFormat.put(target, "mediaType", event.mediaType());
        EventFormat.put(target, "size", event.size());
        EventFormat.put(target, "digest", event.digest());
        EventFormat.put(target, "length", event.size());
        target.put("repository", event.repository().value());
        EventFormat.put(target, "url", EventFormat.url(source, event));
        EventFormat.put(target, "tag", event.tag());
        entry.putObject("source").put("addr", addr).put("instanceID", instanceId);
        return EventFormat.bytes(root);
    }
}
