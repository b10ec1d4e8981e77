package dev.wharf.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the configuration in three layers: the defaults shipped inside the jar (a copy of
 * {@code config/wharf.yaml}), then the config file, then environment variables. Every setting of the
 * defaults has an environment variable {@code WHARF_<SECTION>_<SETTING>} (upper snake case).
 */
public final class ConfigLoader {
    public static final Path DEFAULT_FILE = Path.of("config", "wharf.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ConfigLoader() {
    }

    /** Loads {@code file} if given, else {@code ./config/wharf.yaml} if present, else the built-in defaults. */
    public static WharfConfig load(Path file, Map<String, String> env) {
        ObjectNode tree = defaults();
        Path chosen = file != null ? file : (Files.isRegularFile(DEFAULT_FILE) ? DEFAULT_FILE : null);
        if (chosen != null) {
            merge(tree, readFile(chosen));
        }
        Set<String> settings = new TreeSet<>();
        applyEnvironment(tree, "WHARF", env, settings);
        rejectUnknownSettings(tree, env, settings);
        try {
            return YAML.treeToValue(tree, WharfConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid configuration: " + e.getMessage(), e);
        }
    }

    /** The built-in defaults alone, ignoring any file and the environment (for tests). */
    public static WharfConfig defaultsOnly() {
        return fromTree(defaults());
    }

    private static WharfConfig fromTree(ObjectNode tree) {
        try {
            return YAML.treeToValue(tree, WharfConfig.class);
        } catch (IOException e) {
            throw new IllegalStateException("the built-in defaults are invalid", e);
        }
    }

    private static ObjectNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/config/wharf.yaml")) {
            if (in == null) {
                throw new IllegalStateException("config/wharf.yaml is missing from the jar");
            }
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readFile(Path file) {
        try {
            JsonNode node = YAML.readTree(file.toFile());
            if (node != null && !node.isNull() && !node.isObject()) {
                throw new IllegalArgumentException("config file " + file + " is not a mapping of settings");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void merge(ObjectNode target, JsonNode overlay) {
        if (overlay == null || !overlay.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = target.get(e.getKey());
            if (existing instanceof ObjectNode obj && e.getValue().isObject()) {
                merge(obj, e.getValue());
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    /** Applies the environment to every leaf under {@code node}, adding each leaf's variable name to {@code settings}. */
    private static void applyEnvironment(ObjectNode node, String prefix, Map<String, String> env, Set<String> settings) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = prefix + "_" + upperSnake(e.getKey());
            if (e.getValue() instanceof ObjectNode child) {
                applyEnvironment(child, name, env, settings);
                continue;
            }
            settings.add(name);
            if (env.containsKey(name)) {
                // Jackson coerces the text to the record component's type (int, boolean, ...).
                e.setValue(TextNode.valueOf(env.get(name)));
            }
        }
    }

    /**
     * A variable named after a section ({@code WHARF_HTTP_...}) that is no setting of it is a typo, refused like an
     * unknown key in the file. Other {@code WHARF_} variables may belong to scripts around Wharf and are left alone.
     */
    private static void rejectUnknownSettings(ObjectNode tree, Map<String, String> env, Set<String> settings) {
        for (Iterator<String> sections = tree.fieldNames(); sections.hasNext(); ) {
            String section = "WHARF_" + upperSnake(sections.next()) + "_";
            for (String name : env.keySet()) {
                if (name.startsWith(section) && !settings.contains(name)) {
                    throw new IllegalArgumentException("unknown setting in the environment: " + name + "; the settings of "
                            + "that section are " + settings.stream().filter(s -> s.startsWith(section)).toList());
                }
            }
        }
    }

    static String upperSnake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
    }
}
