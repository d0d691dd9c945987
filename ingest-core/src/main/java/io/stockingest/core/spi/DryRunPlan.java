package io.stockingest.core.spi;

import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import java.time.LocalDate;
import java.util.List;

/**
 * An opened sink's account of what it would run for a job, for {@code --dry-run}: one line per statement or action,
 * with no secret in it. Planning sends nothing to the target (no connection is opened). Thread-safe.
 */
public interface DryRunPlan extends Capability {
    /** What {@code prices} would run for these symbols and range. */
    List<String> planPrices(List<Symbol> symbols, Interval interval, DateRange range, WriteOptions options, RunContext context);

    /** What {@code options} would run for these underlyings' chains of {@code date}. */
    List<String> planOptions(List<Symbol> underlyings, LocalDate date, RunContext context);
}
