package io.stockingest.serve;

import io.stockingest.core.model.Symbol;
import java.time.LocalDate;
import java.util.List;

/**
 * The stored sessions of a sink's daily bars, which the coverage page sets against the NYSE calendar. Kept apart
 * from {@link DashboardReader} so that a sink's own stored-sessions capability can stand in for it. Thread-safe.
 */
public interface CoverageReader {

    /**
     * Distinct stored sessions per symbol and month ({@code YYYY-MM}), with the month's first and last stored date:
     * {@code symbol, month, stored, first, last}; null bounds are open.
     */
    Table storedByMonth(LocalDate from, LocalDate to);

    /** The stored session dates of one symbol in {@code from..to}, ascending. */
    List<LocalDate> storedDates(Symbol symbol, LocalDate from, LocalDate to);
}
