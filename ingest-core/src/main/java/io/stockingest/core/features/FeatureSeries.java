package io.stockingest.core.features;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.Symbol;
import java.time.LocalDate;

/**
 * The features of a run of one symbol's sessions ({@link FeatureCalculator#compute}): per session one row of
 * {@code price_features} and one of {@code price_cumulative_7d}, as PRODUCT.md names them. Rows are indexed
 * {@code 0..size()-1}, oldest first. A feature that is not defined yet (too few sessions) is {@link Double#NaN},
 * stored as null.
 *
 * <p>Immutable once built; safe to read from any thread.
 */
public final class FeatureSeries {
    /** Sessions in {@code price_cumulative_7d}'s arrays. */
    public static final int CUMULATIVE = 7;

    private final Symbol symbol;
    private final int offset;
    private final LocalDate[] dates;
    private final double[] open;
    private final double[] high;
    private final double[] low;
    private final double[] close;
    private final long[] volume;
    private final double[] ma20;
    private final double[] ma50;
    private final double[] volatility20d;
    private final double[] avg7DayVolume;
    private final double[] volatility7Day;

    /** Columns over tail and sessions ({@code offset} tail sessions first); the feature columns over the sessions. */
    FeatureSeries(Symbol symbol, int offset, LocalDate[] dates, double[] open, double[] high, double[] low, double[] close, long[] volume,
            double[] ma20, double[] ma50, double[] volatility20d, double[] avg7DayVolume, double[] volatility7Day) {
        this.symbol = requireNonNull(symbol, "symbol is null");
        this.offset = offset;
        this.dates = dates;
        this.open = open;
        this.high = high;
        this.low = low;
        this.close = close;
        this.volume = volume;
        this.ma20 = ma20;
        this.ma50 = ma50;
        this.volatility20d = volatility20d;
        this.avg7DayVolume = avg7DayVolume;
        this.volatility7Day = volatility7Day;
    }

    public Symbol symbol() {
        return symbol;
    }

    public int size() {
        return ma20.length;
    }

    public LocalDate date(int row) {
        return dates[offset + row];
    }

    public double close(int row) {
        return close[offset + row];
    }

    /** Mean close of the last 20 sessions including this one; NaN until 20 exist. */
    public double ma20(int row) {
        return ma20[row];
    }

    /** Mean close of the last 50 sessions including this one; NaN until 50 exist. */
    public double ma50(int row) {
        return ma50[row];
    }

    /** Sample standard deviation of the last 20 daily log returns ln(close_t / close_t-1), not annualised; NaN until 21 sessions exist. */
    public double volatility20d(int row) {
        return volatility20d[row];
    }

    /** Mean volume of the last 7 sessions; NaN until 7 exist. */
    public double avg7DayVolume(int row) {
        return avg7DayVolume[row];
    }

    /** Sample standard deviation of the 7 daily log returns ending this session; NaN until 8 sessions exist. */
    public double volatility7Day(int row) {
        return volatility7Day[row];
    }

    /** Sessions in this row's {@code price_cumulative_7d} arrays: 7, fewer near the series' start. */
    public int cumulativeLength(int row) {
        return Math.min(CUMULATIVE, offset + row + 1);
    }

    /** Index into the arrays' sessions: {@code k = 0} is the oldest, {@code cumulativeLength(row) - 1} this session. */
    private int at(int row, int k) {
        return offset + row - cumulativeLength(row) + 1 + k;
    }

    public double open(int row, int k) {
        return open[at(row, k)];
    }

    public double high(int row, int k) {
        return high[at(row, k)];
    }

    public double low(int row, int k) {
        return low[at(row, k)];
    }

    public double close(int row, int k) {
        return close[at(row, k)];
    }

    public long volume(int row, int k) {
        return volume[at(row, k)];
    }
}
