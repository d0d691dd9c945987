package io.stockingest.core.spi;

import static java.util.Objects.requireNonNull;

/** How a sink lays out and replaces what it writes. */
public record WriteOptions(Layout layout, Existing existing) {
    public static final WriteOptions DEFAULT = new WriteOptions(Layout.DAILY, Existing.SKIP);

    public WriteOptions {
        requireNonNull(layout, "layout is null");
        requireNonNull(existing, "existing is null");
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
}
