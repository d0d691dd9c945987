package io.stockingest.core.features;

import io.stockingest.core.model.Symbol;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * A sink capability: the sessions a sink already stores just before the first session a write changes, so that
 * features of an appended or rewritten part of a series are computed as a full recomputation would
 * ({@link FeatureCalculator#compute}).
 *
 * <p>Implementations read what the sink's own store holds (PostgreSQL inside the load's transaction, the lake's
 * files); they are used by one load at a time.
 */
public interface StoredTail {
    /** The longest look-back of any feature: ma_50 reads the 49 sessions before its own. */
    int SESSIONS = 49;

    /**
     * For each symbol, the last {@link #SESSIONS} stored daily sessions dated before its date, oldest first; fewer
     * only when fewer are stored (an empty list for a series with nothing stored before that date). A symbol may be
     * left out when nothing is stored before its date.
     */
    Map<Symbol, List<Session>> before(Map<Symbol, LocalDate> firstChanged);
}
