package io.stockingest.core.features;

import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.Capability;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * A {@link Capability} of an opened sink: the daily sessions it already stores just before the first session a write
 * changes, so that the features of an appended or rewritten part of a series are computed as a full recomputation
 * would ({@link FeatureCalculator#compute}: a tail of {@link #SESSIONS} plus the new sessions gives the same bits).
 *
 * <p>Offered by the lake (local and S3: its price files), PostgreSQL and Snowflake (one query for every symbol) and
 * the in-memory test sink. What it answers is what a reader of the sink sees now: bars buffered and not yet flushed
 * are not part of it. Thread-safe unless an implementation says otherwise; failures are
 * {@link io.stockingest.core.IngestException}s of kind {@code SINK} with no secret in the message.
 */
public interface StoredTail extends Capability {
    /** The longest look-back of any feature: ma_50 reads the 49 sessions before its own. */
    int SESSIONS = 49;

    /**
     * For each symbol, the last {@link #SESSIONS} stored daily sessions dated before its date, oldest first; fewer
     * only when fewer are stored (an empty list for a series with nothing stored before that date). A symbol may be
     * left out when nothing is stored before its date.
     */
    Map<Symbol, List<Session>> before(Map<Symbol, LocalDate> firstChanged);
}
