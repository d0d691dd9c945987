package io.stockingest.core.spi;

import static java.util.Objects.requireNonNull;

/** How a sink lays out and replaces what it writes, and whether it stores the price features with daily bars. */
public record WriteOptions(Layout layout, Existing existing, Features features) {
    public static final WriteOptions DEFAULT = new WriteOptions(Layout.DAILY, Existing.SKIP);

    public WriteOptions {
        requireNonNull(layout, "layout is null");
        requireNonNull(existing, "existing is null");
        requireNonNull(features, "features is null");
    }

    /** Options that store the features ({@link Features#STORE}). */
    public WriteOptions(Layout layout, Existing existing) {
        this(layout, existing, Features.STORE);
    }

    /** Lake file granularity for daily bars. */
    public enum Layout {
        /** One file per symbol and trading day. */
        DAILY,
        /** One file per symbol and year ({@code --backfill}). */
        YEARLY
    }

    /** What to do with a partition that already exists. */
    public enum Existing {
        /** Leave it as it is and count it as skipped. */
        SKIP,
        /** Replace it ({@code --force}). */
        OVERWRITE
    }

    /**
     * Whether a sink stores {@code price_features} and {@code price_cumulative_7d} (computed by
     * {@link io.stockingest.core.features.FeatureCalculator}) beside daily bars.
     */
    public enum Features {
        /** Compute and store them from the first session a write changes (the default). */
        STORE,
        /** Leave them alone ({@code --no-features}). */
        SKIP
    }
}
