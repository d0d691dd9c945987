package io.stockingest.core.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.model.Symbol;
import io.stockingest.core.testkit.RandomSessions;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FeatureCalculatorTest {
    private static final Symbol SYMBOL = Symbol.parse("IBM");
    private static final MathContext MC = new MathContext(40);
    private static final double RELATIVE = 1e-12;

    @Test
    void everyFeatureEqualsItsNaiveDefinitionOnRandomIrregularSeries() {
        SplittableRandom random = new SplittableRandom(22);
        List<List<Session>> all = new ArrayList<>();
        for (int length : new int[] {0, 1, 2, 6, 7, 8, 19, 20, 21, 49, 50, 51, 10_000}) {
            all.add(series(random, length));
        }
        for (int i = 0; i < 60; i++) {
            all.add(series(random, 1 + random.nextInt(400)));
        }
        long checked = 0;
        for (List<Session> sessions : all) {
            FeatureSeries f = FeatureCalculator.compute(SYMBOL, List.of(), sessions);
            assertThat(f.size()).as("one row per session").isEqualTo(sessions.size());
            for (int t = 0; t < sessions.size(); t++) {
                String at = "session " + t + " of " + sessions.size() + " (" + sessions.get(t).date() + ")";
                assertThat(f.date(t)).as(at).isEqualTo(sessions.get(t).date());
                assertThat(f.close(t)).as(at).isEqualTo(sessions.get(t).close());
                assertClose(f.ma20(t), t >= 19 ? meanClose(sessions, t - 19, t) : null, "ma_20 at " + at);
                assertClose(f.ma50(t), t >= 49 ? meanClose(sessions, t - 49, t) : null, "ma_50 at " + at);
                assertClose(f.volatility20d(t), t >= 20 ? stddevOfReturns(sessions, t - 19, t) : null, "volatility_20d at " + at);
                assertClose(f.volatility7Day(t), t >= 7 ? stddevOfReturns(sessions, t - 6, t) : null, "volatility_7_day at " + at);
                assertClose(f.avg7DayVolume(t), t >= 6 ? meanVolume(sessions, t - 6, t) : null, "avg_7_day_volume at " + at);
                int first = Math.max(0, t - 6);
                assertThat(f.cumulativeLength(t)).as("array length at " + at).isEqualTo(t - first + 1);
                for (int k = 0; k < f.cumulativeLength(t); k++) {
                    Session s = sessions.get(first + k);
                    assertThat(new double[] {f.open(t, k), f.high(t, k), f.low(t, k), f.close(t, k)}).as("arrays[" + k + "] at " + at)
                            .containsExactly(s.open(), s.high(), s.low(), s.close());
                    assertThat(f.volume(t, k)).as("volumes[" + k + "] at " + at).isEqualTo(s.volume());
                }
                checked++;
            }
        }
        assertThat(checked).as("sessions checked").isGreaterThan(10_000);
    }

    @Test
    void aTailPlusNewSessionsEqualsAFullRecomputationBitForBit() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            List<Session> sessions = series(random, 1 + random.nextInt(i == 0 ? 10_000 : 300));
            int cut = random.nextInt(sessions.size() + 1);
            FeatureSeries full = FeatureCalculator.compute(SYMBOL, List.of(), sessions);
            List<Session> before = sessions.subList(0, cut);
            List<Session> tail = before.subList(Math.max(0, cut - StoredTail.SESSIONS), cut);
            FeatureSeries incremental = FeatureCalculator.compute(SYMBOL, i % 2 == 0 ? tail : before, sessions.subList(cut, sessions.size()));
            assertThat(incremental.size()).isEqualTo(sessions.size() - cut);
            for (int row = 0; row < incremental.size(); row++) {
                int t = cut + row;
                String at = "series " + i + " cut at " + cut + ", session " + t;
                assertThat(bits(incremental, row)).as(at).containsExactly(bits(full, t));
            }
        }
    }

    @Test
    void aConstantSeriesHasZeroVolatilityAndItsPriceAsMeans() {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            sessions.add(new Session(LocalDate.of(2024, 1, 1).plusDays(i), 0.1, 0.1, 0.1, 0.1, 3));
        }
        FeatureSeries f = FeatureCalculator.compute(SYMBOL, List.of(), sessions);
        assertThat(f.ma20(59)).as("ma_20 of a constant 0.1 is 0.1 rounded once").isEqualTo(0.1);
        assertThat(f.ma50(59)).as("ma_50").isEqualTo(0.1);
        assertThat(f.volatility20d(59)).as("volatility_20d of zero returns").isZero();
        assertThat(f.volatility7Day(59)).as("volatility_7_day of zero returns").isZero();
        assertThat(f.avg7DayVolume(59)).as("avg_7_day_volume").isEqualTo(3.0);
    }

    @Test
    void exactSumsCancelWhatFloatingPointSumsLose() {
        ExactSum sum = new ExactSum();
        sum.add(1e20);
        sum.add(1.0);
        sum.add(-1e20);
        assertThat(sum.value()).as("1e20 + 1 - 1e20").isEqualTo(1.0);
        sum.add(Double.MIN_VALUE);
        assertThat(sum.value()).as("the subnormal is kept below 1").isEqualTo(1.0);
        assertThat(sum.residual()).as("and shows in the residual").isEqualTo(Double.MIN_VALUE);
        sum.remove(1.0);
        assertThat(sum.value()).as("what is left").isEqualTo(Double.MIN_VALUE);
        sum.remove(Double.MIN_VALUE);
        sum.add(-0.3);
        sum.add(0.1);
        assertThat(sum.value()).as("-0.3 + 0.1 rounded once").isEqualTo(new BigDecimal(-0.3).add(new BigDecimal(0.1)).doubleValue());
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 2_000; i++) {
            ExactSum s = new ExactSum();
            BigDecimal exact = BigDecimal.ZERO;
            for (int j = 0; j < 1 + random.nextInt(60); j++) {
                double x = (random.nextBoolean() ? 1 : -1) * Math.scalb(random.nextDouble(), random.nextInt(-80, 80));
                s.add(x);
                exact = exact.add(new BigDecimal(x));
            }
            assertThat(s.value()).as("sum %d rounded to nearest", i).isEqualTo(exact.doubleValue());
            assertThat(s.residual()).as("residual of sum %d", i).isEqualTo(exact.subtract(new BigDecimal(exact.doubleValue())).doubleValue());
        }
    }

    @Test
    void refusesUnsortedSessionsAndNonPositiveCloses() {
        Session a = new Session(LocalDate.of(2024, 1, 2), 1, 1, 1, 1, 1);
        Session b = new Session(LocalDate.of(2024, 1, 3), 1, 1, 1, 1, 1);
        assertThatThrownBy(() -> FeatureCalculator.compute(SYMBOL, List.of(b), List.of(a)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sessions of IBM must be sorted by date without repeats: 2024-01-02 follows 2024-01-03");
        assertThatThrownBy(() -> FeatureCalculator.compute(SYMBOL, List.of(), List.of(new Session(LocalDate.of(2024, 1, 2), 1, 1, 1, 0, 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("close of IBM on 2024-01-02 must be positive and finite, not 0.0");
    }

    private static List<Session> series(SplittableRandom random, int length) {
        return RandomSessions.series(random, length);
    }

    private static long[] bits(FeatureSeries f, int row) {
        List<Long> out = new ArrayList<>(List.of(f.date(row).toEpochDay(), Double.doubleToRawLongBits(f.close(row)),
                Double.doubleToRawLongBits(f.ma20(row)), Double.doubleToRawLongBits(f.ma50(row)), Double.doubleToRawLongBits(f.volatility20d(row)),
                Double.doubleToRawLongBits(f.avg7DayVolume(row)), Double.doubleToRawLongBits(f.volatility7Day(row)), (long) f.cumulativeLength(row)));
        for (int k = 0; k < f.cumulativeLength(row); k++) {
            out.addAll(List.of(Double.doubleToRawLongBits(f.open(row, k)), Double.doubleToRawLongBits(f.high(row, k)),
                    Double.doubleToRawLongBits(f.low(row, k)), Double.doubleToRawLongBits(f.close(row, k)), f.volume(row, k)));
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static void assertClose(double actual, BigDecimal expected, String what) {
        if (expected == null) {
            assertThat(actual).as(what + " is null (NaN) until enough sessions exist").isNaN();
            return;
        }
        double e = expected.doubleValue();
        assertThat(Math.abs(actual - e)).as(what + ": " + actual + " vs naive " + e).isLessThanOrEqualTo(RELATIVE * Math.abs(e));
    }

    private static BigDecimal meanClose(List<Session> s, int from, int to) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = from; i <= to; i++) {
            sum = sum.add(new BigDecimal(s.get(i).close()), MC);
        }
        return sum.divide(BigDecimal.valueOf(to - from + 1), MC);
    }

    private static BigDecimal meanVolume(List<Session> s, int from, int to) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = from; i <= to; i++) {
            sum = sum.add(BigDecimal.valueOf(s.get(i).volume()));
        }
        return sum.divide(BigDecimal.valueOf(to - from + 1), MC);
    }

    /** Two passes: the mean of the returns ln(close_i / close_i-1) for i in from..to, then the squared deviations. */
    private static BigDecimal stddevOfReturns(List<Session> s, int from, int to) {
        List<BigDecimal> returns = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            returns.add(new BigDecimal(Math.log(s.get(i).close() / s.get(i - 1).close()), MC));
        }
        BigDecimal mean = returns.stream().reduce(BigDecimal.ZERO, BigDecimal::add).divide(BigDecimal.valueOf(returns.size()), MC);
        BigDecimal squares = BigDecimal.ZERO;
        for (BigDecimal r : returns) {
            squares = squares.add(r.subtract(mean, MC).pow(2, MC), MC);
        }
        return squares.divide(BigDecimal.valueOf(returns.size() - 1), MC).sqrt(MC);
    }
}
