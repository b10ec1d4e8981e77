package dev.wharf.gc;

import dev.wharf.config.WharfConfig;

import java.time.Duration;
import java.util.List;

/**
 * One garbage collection run: whether it only reports ({@code dryRun}), whether manifests no tag reaches go
 * too ({@code untagged}), how young content is always spared ({@code gracePeriod}), and the tag retention.
 */
public record GcOptions(boolean dryRun, boolean untagged, Duration gracePeriod, List<RetentionPolicy> retention) {
    public GcOptions {
        retention = List.copyOf(retention);
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("the grace period must not be negative");
        }
    }

    /** The configured settings, with this run's choices. */
    public static GcOptions from(WharfConfig.Gc config, boolean dryRun, boolean untagged) {
        return new GcOptions(dryRun, untagged, config.gracePeriodDuration(), RetentionPolicy.fromConfig(config));
    }
}
