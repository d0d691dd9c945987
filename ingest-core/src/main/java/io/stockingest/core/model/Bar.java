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
 * @param date the NYSE session date the bar belongs to (exchange-local date for non-US listings)
 * @param adjClose split- and dividend-adjusted close, or null where the source has none
 * @param vwap volume-weighted average price, or null; never a provider's typical-price substitute
 * @param transactions number of trades, or null
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
        Adjustment adjustment) {

    public Bar {
        requireNonNull(symbol, "symbol is null");
        requireNonNull(interval, "interval is null");
        requireNonNull(ts, "ts is null");
        requireNonNull(date, "date is null");
        requireNonNull(source, "source is null");
        requireNonNull(adjustment, "adjustment is null");
    }
}
