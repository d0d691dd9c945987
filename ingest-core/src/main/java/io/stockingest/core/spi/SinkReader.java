package io.stockingest.core.spi;

import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The read side of one sink's target, as {@code serve} needs it, opened by {@link ReadOnlyAccess}. Implementations
 * only read (a database in read-only transactions, a lake through embedded DuckDB over its Parquet files), bind every
 * value as a query parameter, and answer "nothing stored" with an empty {@link Table} rather than an error. Each
 * table's columns are named in the method's Javadoc and are the same for every sink, with values normalised as
 * {@link Table} says, so that two sinks holding the same rows answer alike.
 *
 * <p>Thread-safe: a server calls it from several threads at once. Failures are
 * {@link io.stockingest.core.IngestException}s of kind {@code SINK} with no secret in the message.
 */
public interface SinkReader extends AutoCloseable {

    /** A short description of the target for a page header, with no secret in it (no password, no query string). */
    String describe();

    /** The symbols with stored daily bars, sorted. */
    List<String> symbols();

    /**
     * Daily bars with their features, oldest first: {@code date, open, high, low, close, adj_close, volume, ma_20,
     * ma_50, volatility_20d} (means of the last 20 / 50 stored sessions, the sample standard deviation of the last 20
     * daily log returns; null until that many sessions exist).
     */
    Table daily(Symbol symbol, LocalDate from, LocalDate to);

    /** The intraday intervals stored for the symbol ({@code 5m}, {@code 1h}, ...), sorted. */
    List<String> intervals(Symbol symbol);

    /** Intraday bars, oldest first: {@code ts, date, open, high, low, close, volume}. */
    Table intraday(Symbol symbol, String interval, LocalDate from, LocalDate to);

    /**
     * The 7-session cumulative rows, oldest first: {@code date, opens, highs, lows, closes, volumes,
     * avg_7_day_volume, volatility_7_day}.
     */
    Table cumulative(Symbol symbol, LocalDate from, LocalDate to);

    /** Splits and dividends, by ex-date: {@code type, ex_date, amount, numerator, denominator, pay_date}. */
    Table actions(Symbol symbol);

    /** The dates of the stored option-chain snapshots of an underlying, newest first. */
    List<LocalDate> optionDates(Symbol underlying);

    /**
     * One chain snapshot, by expiration, strike and type: {@code contract, contract_type, expiration, strike, bid,
     * ask, bid_size, ask_size, midpoint, last_price, implied_volatility, delta, gamma, theta, vega, open_interest,
     * day_volume, underlying_price}.
     */
    Table optionChain(Symbol underlying, LocalDate date);

    /**
     * The statements of a symbol, by type and period end: {@code statement_type, period, fiscal_year, period_end,
     * currency, line_items} ({@code line_items} a map of line name to value).
     */
    Table fundamentals(Symbol symbol);

    /** The metrics documents of the newest runs (RunReport JSON), newest first. */
    List<String> runDocuments(int limit);

    /** One run's metrics document. */
    Optional<String> runDocument(String runId);

    /**
     * Quarantined rows, newest date first: {@code run_id, symbol, interval, date, ts, rule, detail, open, high, low,
     * close, volume}; each filter may be null (no filter).
     */
    Table quarantine(String rule, Symbol symbol, LocalDate from, LocalDate to, int limit);

    /** Quarantined rows counted by rule, symbol and date: {@code rule, symbol, date, rows}. Filters as above. */
    Table quarantineCounts(String rule, Symbol symbol, LocalDate from, LocalDate to);

    /** Which daily sessions the target holds: the coverage page's source. */
    StoredSessions storedSessions();

    /**
     * Distinct stored daily sessions per symbol and month ({@code YYYY-MM}) in {@code range}, counted where the data
     * lives: {@code symbol, month, stored, first, last} (the month's first and last stored date), ordered by symbol and month. Empty when this reader cannot count in place (the default); the caller then
     * counts {@link #storedSessions()} itself, which suits a lake (one listing per symbol) but not a database of
     * millions of rows.
     */
    default Optional<Table> storedByMonth(DateRange range) {
        return Optional.empty();
    }

    /**
     * The daily sessions in {@code range} the sink recorded as checked ({@link StoredSessions#recordChecked}) and holds
     * no bar for: {@code symbol, date, reason} (ISO date, {@code empty} or {@code quarantined}), ordered by symbol and
     * date; what a reader that counts {@link #storedByMonth} in place adds so the coverage counts as {@code coverage}
     * does. The default (a sink that records none) is an empty table.
     */
    default Table checkedSessions(DateRange range) {
        return Table.empty(List.of("symbol", "date", "reason"));
    }

    @Override
    void close();
}
