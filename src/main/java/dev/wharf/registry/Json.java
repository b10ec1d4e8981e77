package dev.wharf.registry;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The registry service's one JSON mapper (thread-safe once configured), for descriptors and configs. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }
}
