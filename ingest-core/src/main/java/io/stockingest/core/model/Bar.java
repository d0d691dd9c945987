package io.stockingest.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One OHLCV bar, daily or intraday.
 *
 * <p>The record checks structure only (nothing null that must be there). Whether the values make sense (positive
 * prices, {@code high >= max(open, close)}, a session date) is the validator's job, so that a bad bar can be
 * quarantined with the rule it broke instead of failing the run. A price the provider did not send is
 * {@link Double#NaN}.
 *
 * @param ts bar start, UTC (for daily bars: the provider's timestamp of the session, or the session open)
 * @param date the session date the bar belongs to, in its venue's calendar (exchange-local date)
 * @param adjClose split- and dividend-adjusted close, or null where the source has none
 * @param vwap volume-weighted average price, or null; never a provider's typical-price substitute
 * @param transactions number of trades, or null
 * @param venue where the symbol trades, from the provider's metadata or else the symbol's spelling; its calendar
 *     decides the session rules
 */
public record Bar(
        Symbol symbol,
        Interval interval,
        Instant ts,
        LocalDate date,
        double open,
        double high,
        double low,
        double close,
        Double adjClose,
        long volume,
        Double vwap,
        Long transactions,
        String source,
        Adjustment adjustment,
        Venue venue) {

    public Bar {
        requireNonNull(symbol, "symbol is null");
        requireNonNull(interval, "interval is null");
        requireNonNull(ts, "ts is null");
        requireNonNull(date, "date is null");
        requireNonNull(source, "source is null");
        requireNonNull(adjustment, "adjustment is null");
        requireNonNull(venue, "venue is null");
    }

    /** A bar whose venue is the one its symbol's spelling implies ({@link Venue#ofSymbol}). */
    public Bar(Symbol symbol, Interval interval, Instant ts, LocalDate date, double open, double high, double low, double close, Double adjClose,
            long volume, Double vwap, Long transactions, String source, Adjustment adjustment) {
        this(symbol, interval, ts, date, open, high, low, close, adjClose, volume, vwap, transactions, source, adjustment, Venue.ofSymbol(symbol));
    }

    /** This bar at {@code other} venue. */
    public Bar withVenue(Venue other) {
        return new Bar(symbol, interval, ts, date, open, high, low, close, adjClose, volume, vwap, transactions, source, adjustment, other);
    }
}
