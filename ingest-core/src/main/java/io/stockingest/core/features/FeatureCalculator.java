package io.stockingest.core.features;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.Symbol;
import java.time.LocalDate;
import java.util.List;

/**
 * Computes {@code price_features} and {@code price_cumulative_7d} (PRODUCT.md; definitions on
 * {@link FeatureSeries}) over a symbol's daily sessions, once, for every sink. Windows count sessions of the
 * symbol's own series (stored rows), not calendar days.
 *
 * <p>One pass with running sums: each window's sums (closes for ma_20 and ma_50, log returns and their squares for
 * the volatilities, volumes) are updated by adding the session that enters and removing the one that leaves. The sums
 * of doubles are kept exactly ({@link ExactSum}), so a mean is the exact sum rounded once and divided, and a variance
 * is {@code (n·Σr² − (Σr)²) / (n(n−1))} evaluated in double-double from the exact sums (the cancellation costs
 * nothing at 2^-106), then rounded: every value is within a few ulps of its exact definition, and depends only on
 * the sessions in its window. Hence a series computed from a stored tail of {@link StoredTail#SESSIONS} sessions
 * plus new ones equals a full recomputation bit for bit, which a Kahan- or Welford-updated running sum (carrying the
 * rounding of every earlier session) would not.
 *
 * <p>Stateless and thread-safe.
 */
public final class FeatureCalculator {
    private FeatureCalculator() {}

    /**
     * The features of {@code sessions}, given the stored {@code tail} before them.
     *
     * @param tail the last {@link StoredTail#SESSIONS} stored sessions before the first of {@code sessions}, oldest
     *     first; fewer only when the series has fewer (then the first session's position in the series is the
     *     tail's length); longer tails are cut to their last {@link StoredTail#SESSIONS}
     * @param sessions the sessions to compute, sorted by date, dates unique and after the tail's
     * @throws IllegalArgumentException for unsorted or duplicate dates, or a price that is not positive and finite
     */
    public static FeatureSeries compute(Symbol symbol, List<Session> tail, List<Session> sessions) {
        requireNonNull(symbol, "symbol is null");
        requireNonNull(tail, "tail is null");
        requireNonNull(sessions, "sessions is null");
        List<Session> kept = tail.size() > StoredTail.SESSIONS ? tail.subList(tail.size() - StoredTail.SESSIONS, tail.size()) : tail;
        int offset = kept.size();
        int total = offset + sessions.size();
        LocalDate[] dates = new LocalDate[total];
        double[] open = new double[total];
        double[] high = new double[total];
        double[] low = new double[total];
        double[] close = new double[total];
        long[] volume = new long[total];
        for (int i = 0; i < total; i++) {
            Session s = i < offset ? kept.get(i) : sessions.get(i - offset);
            if (i > 0 && !s.date().isAfter(dates[i - 1])) {
                throw new IllegalArgumentException("sessions of " + symbol + " must be sorted by date without repeats: " + s.date()
                        + " follows " + dates[i - 1]);
            }
            if (!(s.close() > 0) || s.close() == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("close of " + symbol + " on " + s.date() + " must be positive and finite, not " + s.close());
            }
            dates[i] = s.date();
            open[i] = s.open();
            high[i] = s.high();
            low[i] = s.low();
            close[i] = s.close();
            volume[i] = s.volume();
        }

        int n = sessions.size();
        double[] ma20 = new double[n];
        double[] ma50 = new double[n];
        double[] vol20 = new double[n];
        double[] avgVolume = new double[n];
        double[] vol7 = new double[n];
        double[] returns = new double[total]; // returns[i] = ln(close_i / close_i-1), from i = 1
        Window closes20 = new Window(20);
        Window closes50 = new Window(50);
        Moments returns20 = new Moments(20);
        Moments returns7 = new Moments(7);
        long volumeSum = 0;
        for (int i = 0; i < total; i++) {
            closes20.slide(close, i);
            closes50.slide(close, i);
            volumeSum += volume[i] - (i >= FeatureSeries.CUMULATIVE ? volume[i - FeatureSeries.CUMULATIVE] : 0);
            if (i > 0) {
                returns[i] = Math.log(close[i] / close[i - 1]);
                returns20.slide(returns, i, 1);
                returns7.slide(returns, i, 1);
            }
            if (i < offset) {
                continue;
            }
            int row = i - offset;
            int count = i + 1; // sessions of the series up to this one
            ma20[row] = count >= 20 ? closes20.mean() : Double.NaN;
            ma50[row] = count >= 50 ? closes50.mean() : Double.NaN;
            vol20[row] = count >= 21 ? returns20.sampleStddev() : Double.NaN;
            avgVolume[row] = count >= 7 ? volumeSum / 7.0 : Double.NaN;
            vol7[row] = count >= 8 ? returns7.sampleStddev() : Double.NaN;
        }
        return new FeatureSeries(symbol, offset, dates, open, high, low, close, volume, ma20, ma50, vol20, avgVolume, vol7);
    }

    /** The exact sum of the last {@code size} values. */
    private static final class Window {
        final int size;
        final ExactSum sum = new ExactSum();

        Window(int size) {
            this.size = size;
        }

        /** Adds {@code values[i]} and removes the value that leaves the window ({@code values} from index 0). */
        void slide(double[] values, int i) {
            sum.add(values[i]);
            if (i >= size) {
                sum.remove(values[i - size]);
            }
        }

        double mean() {
            return sum.value() / size;
        }
    }

    /** The exact sums of the last {@code size} values and of their squares (each square kept as an exact pair). */
    private static final class Moments {
        final int size;
        final ExactSum sum = new ExactSum();
        final ExactSum squares = new ExactSum();

        Moments(int size) {
            this.size = size;
        }

        /** Adds {@code values[i]} and removes the value that leaves the window ({@code values} from index {@code first}). */
        void slide(double[] values, int i, int first) {
            change(values[i], 1);
            if (i - size >= first) {
                change(values[i - size], -1);
            }
        }

        private void change(double x, int sign) {
            double square = x * x;
            double error = Math.fma(x, x, -square); // x² = square + error exactly
            if (sign > 0) {
                sum.add(x);
                squares.add(square);
                squares.add(error);
            } else {
                sum.remove(x);
                squares.remove(square);
                squares.remove(error);
            }
        }

        /** sqrt((n·Q − S²) / (n(n−1))) with S, Q the exact sums, the difference taken in double-double. */
        double sampleStddev() {
            double s = sum.value();
            double sLow = sum.residual();
            double q = squares.value();
            double qLow = squares.residual();
            double nq = size * q;
            double nqLow = Math.fma(size, q, -nq) + size * qLow;
            double ss = s * s;
            double ssLow = Math.fma(s, s, -ss) + 2 * s * sLow;
            double d = nq - ss; // two-sum of nq and -ss
            double bv = d - nq;
            double err = (nq - (d - bv)) + (-ss - bv);
            double diff = d + (err + nqLow - ssLow);
            return Math.sqrt(Math.max(diff, 0.0) / ((double) size * (size - 1)));
        }
    }
}
