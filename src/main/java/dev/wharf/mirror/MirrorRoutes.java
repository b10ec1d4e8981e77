package dev.wharf.mirror;

import dev.wharf.oci.RepositoryName;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Which requests go to an upstream, all three ways at once:
 * <ol>
 *   <li>containerd's mirror parameter {@code ?ns=<registry>}: the upstream of that name; an {@code ns} that names
 *       none gets local content only, never another upstream's;</li>
 *   <li>a path prefix: {@code docker.io/library/nginx} is {@code docker.io}'s {@code library/nginx};</li>
 *   <li>the default upstream, for a name with neither, unless a local repository of that name exists.</li>
 * </ol>
 * Content of {@code <upstream>/<name>} is kept under the local name {@code <prefix>/<name>} whichever way it was
 * asked for, so the three ways share one cache. A write to a name an upstream claims (its prefix, its {@code ns},
 * or a name the default upstream's patterns list) is refused by the caller; other names are local repositories.
 */
public final class MirrorRoutes {
    private final Map<String, Upstream> byName;
    /** Longest prefix first, so that a prefix inside another's namespace wins. */
    private final List<Upstream> byPrefix;
    private final Upstream defaultUpstream;
    private final Predicate<RepositoryName> localExists;

    MirrorRoutes(List<Upstream> upstreams, Predicate<RepositoryName> localExists) {
        this.byName = upstreams.stream().collect(Collectors.toMap(u -> u.name().toLowerCase(Locale.ROOT), Function.identity(),
                (a, b) -> {
                    throw new IllegalArgumentException("two proxy upstreams are named " + a.name());
                }));
        this.byPrefix = upstreams.stream().sorted(Comparator.comparingInt((Upstream u) -> u.prefix().length()).reversed()).toList();
        List<Upstream> defaults = upstreams.stream().filter(Upstream::isDefault).toList();
        if (defaults.size() > 1) {
            throw new IllegalArgumentException("more than one proxy upstream is the default: " + defaults);
        }
        this.defaultUpstream = defaults.isEmpty() ? null : defaults.get(0);
        this.localExists = localExists;
    }

    /**
     * The upstream a request for {@code name} goes to, or null when it is served from local content alone.
     *
     * @param ns    containerd's {@code ns} query parameter, or null
     * @param write whether the request pushes (then the default upstream claims only names its patterns list)
     */
    public CacheTarget route(RepositoryName name, String ns, boolean write) {
        if (ns != null && !ns.isBlank()) {
            Upstream upstream = byName.get(ns.trim().toLowerCase(Locale.ROOT));
            return upstream == null || !upstream.serves(name.value()) ? null : target(upstream, name.value());
        }
        for (Upstream upstream : byPrefix) {
            String prefix = upstream.prefix() + "/";
            if (name.value().startsWith(prefix)) {
                String remote = name.value().substring(prefix.length());
                return upstream.serves(remote) ? new CacheTarget(upstream, remote, name) : null;
            }
        }
        if (defaultUpstream == null) {
            return null;
        }
        if (write) {
            return defaultUpstream.claimsByPattern(name.value()) ? target(defaultUpstream, name.value()) : null;
        }
        if (localExists.test(name) && !defaultUpstream.claimsByPattern(name.value())) {
            return null;
        }
        return defaultUpstream.serves(name.value()) ? target(defaultUpstream, name.value()) : null;
    }

    private static CacheTarget target(Upstream upstream, String remote) {
        return new CacheTarget(upstream, remote, RepositoryName.parse(upstream.prefix() + "/" + remote));
    }
}
