package io.stockingest.core.spi;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import java.util.List;

/**
 * The validated bars of one symbol over one requested range, sorted by time, at most one per (date[, ts]).
 * {@code range} is what was asked for: a sink that replaces partitions knows which ones the batch speaks for.
 */
public record BarBatch(Symbol symbol, Interval interval, DateRange range, List<Bar> bars, WriteOptions options, RunContext context) {
    public BarBatch {
        requireNonNull(symbol, "symbol is null");
        requireNonNull(interval, "interval is null");
        requireNonNull(range, "range is null");
        bars = List.copyOf(requireNonNull(bars, "bars is null"));
        requireNonNull(options, "options is null");
        requireNonNull(context, "context is null");
    }
}
