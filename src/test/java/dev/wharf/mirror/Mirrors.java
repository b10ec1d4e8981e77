package dev.wharf.mirror;

import dev.wharf.config.WharfConfig;
import dev.wharf.testing.TestRegistry;

import java.util.List;
import java.util.function.UnaryOperator;

/** Mirrors for the tests: a Wharf whose pull-through cache has the given upstreams. */
final class Mirrors {
    private Mirrors() {
    }

    /** An upstream with short timeouts for tests; {@code freshness} as given, no immutable tags. */
    static WharfConfig.Upstream upstream(String name, String url, boolean isDefault, String freshness) {
        return upstream(name, url, isDefault, freshness, "", List.of());
    }

    static WharfConfig.Upstream upstream(String name, String url, boolean isDefault, String freshness, String immutableTags,
                                         List<String> repositories) {
        return new WharfConfig.Upstream(name, url, null, isDefault, null, null, null, null, null, false, "2s", "1s", "5s",
                freshness, immutableTags, repositories, null, 0);
    }

    static TestRegistry of(WharfConfig.Upstream... upstreams) {
        return of(UnaryOperator.identity(), upstreams);
    }

    static TestRegistry of(UnaryOperator<WharfConfig> tweak, WharfConfig.Upstream... upstreams) {
        return TestRegistry.start(c -> tweak.apply(c.withProxy(new WharfConfig.Proxy("", "", List.of(upstreams), "1h"))));
    }
}
