package io.stockingest.sink.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.features.FeatureCalculator;
import io.stockingest.core.features.FeatureSeries;
import io.stockingest.core.features.Session;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.testkit.RandomSessions;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code price_features} and {@code price_cumulative_7d} in Iceberg tables equal, bit for bit, a full recomputation by
 * {@link FeatureCalculator} over the series {@code prices_daily} holds after each run: appends, a late session, a
 * backfill before a stored series, a split rewrite, and runs with {@code --no-features} before and between runs with
 * them (the scenarios of the other sinks' parity test in app).
 */
class IcebergFeaturesTest {
    private static final Symbol IRR = new Symbol("IRR");
    private static final Symbol FEW = new Symbol("FEW");
    private static final Symbol BAK = new Symbol("BAK");
    private static final Instant T0 = Instant.parse("2024-12-04T12:00:00Z");
    private static final WriteOptions NO_FEATURES = new WriteOptions(WriteOptions.Layout.DAILY, WriteOptions.Existing.SKIP, WriteOptions.Features.SKIP);

    @TempDir
    Path dir;

    private final Map<Symbol, NavigableMap<LocalDate, Bar>> held = new TreeMap<>();

    @Test
    void featuresEqualAFullRecomputationAfterAppendsALateSessionABackfillAndASplitRewrite() {
        List<Bar> irr = series(IRR, 24, 110);
        List<Bar> few = series(FEW, 7, 15);
        List<Bar> bak = series(BAK, 5, 55);
        List<Bar> first = new ArrayList<>(irr.subList(0, 80));
        first.remove(40);
        runAndCheck(1, WriteOptions.DEFAULT, List.of(first, few.subList(5, 10), bak.subList(30, 55)));
        runAndCheck(2, WriteOptions.DEFAULT, List.of(List.of(irr.get(40)), irr.subList(70, 110), few.subList(0, 5), few.subList(10, 15), bak.subList(0, 30)));
        long snapshots = snapshotCount();
        runAndCheck(3, WriteOptions.DEFAULT, List.of(irr.subList(70, 110)));
        assertThat(snapshotCount()).as("an identical rerun commits no feature snapshot").isEqualTo(snapshots);
        List<Bar> adjusted = irr.subList(0, 90).stream().map(b -> new Bar(b.symbol(), b.interval(), b.ts(), b.date(), b.open() / 4, b.high() / 4, b.low() / 4,
                b.close() / 4, b.close() / 4, b.volume() * 4, null, null, b.source(), Adjustment.SPLITS)).toList();
        runAndCheck(4, new WriteOptions(WriteOptions.Layout.DAILY, WriteOptions.Existing.OVERWRITE), List.of(adjusted));
    }

    @Test
    void aRunWithFeaturesAfterRunsWithoutFillsTheRowsTheyLeftOut() {
        List<Bar> irr = series(IRR, 24, 100);
        runAndCheck(1, WriteOptions.DEFAULT, List.of(irr.subList(0, 40)));
        run(2, NO_FEATURES, List.of(irr.subList(40, 60)));
        runAndCheck(3, WriteOptions.DEFAULT, List.of(irr.subList(60, 80)));
        List<Bar> other = series(FEW, 7, 90);
        run(4, NO_FEATURES, List.of(other.subList(0, 70)));
        runAndCheck(5, WriteOptions.DEFAULT, List.of(other.subList(70, 90)));
    }

    /**
     * The run's bars are not read back (the sink keeps them): the rows a run computes from must still be exactly the
     * table's. A run right after the stored sessions (its tail all stored), one whose requested range starts inside
     * the stored sessions without resending them (the overwrite removes them: no feature row may use them), one that
     * rewrites sessions in the middle (the stored sessions after its range are recomputed from the table), and an
     * identical rerun of that (nothing committed).
     */
    @Test
    void aRunWhoseWindowStartsAfterStoredSessionsUsesExactlyTheStoredRowsThatRemain() {
        List<Bar> irr = series(IRR, 31, 140);
        List<Bar> few = series(FEW, 32, 60);
        runAndCheck(1, WriteOptions.DEFAULT, List.of(irr.subList(0, 70), few.subList(0, 20)));
        runAndCheck(2, WriteOptions.DEFAULT, List.of(irr.subList(70, 100), few.subList(20, 30)));
        runAndCheck(3, List.of(new DateRange(irr.get(90).date(), irr.get(130).date())), List.of(irr.subList(96, 131)));
        List<Bar> changed = irr.subList(100, 110).stream().map(b -> new Bar(b.symbol(), b.interval(), b.ts(), b.date(), b.open() * 1.5, b.high() * 1.5,
                b.low() * 1.5, b.close() * 1.5, b.close() * 1.5, b.volume(), null, null, b.source(), Adjustment.SPLITS)).toList();
        DateRange middle = new DateRange(changed.getFirst().date(), changed.getLast().date());
        runAndCheck(4, List.of(middle, new DateRange(few.get(30).date(), few.get(59).date())), List.of(changed, few.subList(30, 60)));
        long snapshots = snapshotCount();
        runAndCheck(5, List.of(middle), List.of(changed));
        assertThat(snapshotCount()).as("an identical rerun commits no feature snapshot").isEqualTo(snapshots);
    }

    /**
     * Into empty tables, the rows are computed ahead at each spill from the run's bars alone; a symbol whose bars
     * come in two spills (its first group's rows lack the later bars) and a symbol stored by an earlier run in the
     * same process's next run must still get the rows of its whole series.
     */
    @Test
    void rowsComputedAheadAtSpillsAreUsedOnlyWhereTheyAreTheWholeSeries() {
        bufferRows = 25;
        List<Bar> irr = series(IRR, 41, 120);
        List<Bar> few = series(FEW, 42, 30);
        List<Bar> bak = series(BAK, 43, 70);
        runAndCheck(1, WriteOptions.DEFAULT, List.of(irr.subList(0, 40), few, irr.subList(40, 90), bak.subList(20, 70)));
        runAndCheck(2, WriteOptions.DEFAULT, List.of(irr.subList(90, 120), bak.subList(0, 20)));
    }

    /** {@code length} sessions of NYSE's calendar, some skipped, with the prices of a random irregular series. */
    private static List<Bar> series(Symbol symbol, int seed, int length) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Session> prices = RandomSessions.series(random, length);
        List<NyseCalendar.Session> calendar = NyseCalendar.instance().sessions(LocalDate.of(2019, 1, 2), LocalDate.of(2023, 12, 29));
        List<Bar> bars = new ArrayList<>();
        int at = random.nextInt(20);
        for (Session s : prices) {
            LocalDate date = calendar.get(at).date();
            bars.add(new Bar(symbol, Interval.D1, date.atTime(21, 0).toInstant(ZoneOffset.UTC), date, s.open(), s.high(), s.low(), s.close(), s.close(),
                    s.volume(), null, null, "test", Adjustment.SPLITS));
            at += 1 + (random.nextInt(8) == 0 ? random.nextInt(6) : 0);
        }
        return bars;
    }

    /** ICEBERG_BUFFER_ROWS of the runs. */
    private int bufferRows = IcebergConfig.DEFAULT_BUFFER_ROWS;

    private IcebergSink open() {
        Settings settings = Settings.of(Map.of("ICEBERG_BUFFER_ROWS", Integer.toString(bufferRows)));
        return IcebergSink.open(IcebergConfig.from("iceberg:" + dir.resolve("ice"), settings), settings);
    }

    private void run(int n, WriteOptions options, List<List<Bar>> batches) {
        run(n, options, batches.stream().map(bars -> new DateRange(bars.getFirst().date(), bars.getLast().date())).toList(), batches);
    }

    /** A run writing each batch of bars with its requested range (the rows of the range that the batch lacks are removed). */
    private void run(int n, WriteOptions options, List<DateRange> ranges, List<List<Bar>> batches) {
        Instant at = T0.plusSeconds(n);
        RunContext context = new RunContext("1733313600-000" + n, "prices", "test", at, at);
        try (IcebergSink sink = open()) {
            for (int i = 0; i < batches.size(); i++) {
                List<Bar> bars = batches.get(i);
                DateRange range = ranges.get(i);
                sink.writeBars(new BarBatch(bars.getFirst().symbol(), Interval.D1, range, bars, options, context));
                NavigableMap<LocalDate, Bar> stored = held.computeIfAbsent(bars.getFirst().symbol(), s -> new TreeMap<>());
                stored.subMap(range.from(), true, range.to(), true).clear();
                bars.forEach(b -> stored.put(b.date(), b));
            }
            sink.flush();
        }
    }

    private void runAndCheck(int n, WriteOptions options, List<List<Bar>> batches) {
        run(n, options, batches);
        check(n);
    }

    private void runAndCheck(int n, List<DateRange> ranges, List<List<Bar>> batches) {
        run(n, WriteOptions.DEFAULT, ranges, batches);
        check(n);
    }

    /** Both feature tables equal a full recomputation over the sessions {@code prices_daily} holds. */
    private void check(int n) {
        List<String> features = new ArrayList<>();
        List<String> cumulative = new ArrayList<>();
        held.forEach((symbol, bars) -> {
            FeatureSeries f = FeatureCalculator.compute(symbol, List.of(), bars.values().stream().map(Session::of).toList());
            for (int i = 0; i < f.size(); i++) {
                features.add(symbol.value() + " " + f.date(i) + " " + f.close(i) + " " + f.ma20(i) + " " + f.ma50(i) + " " + f.volatility20d(i));
                StringBuilder lists = new StringBuilder();
                for (int k = 0; k < f.cumulativeLength(i); k++) {
                    lists.append(' ').append(f.open(i, k)).append('/').append(f.high(i, k)).append('/').append(f.low(i, k)).append('/')
                            .append(f.close(i, k)).append('/').append(f.volume(i, k));
                }
                cumulative.add(symbol.value() + " " + f.date(i) + lists + " " + f.avg7DayVolume(i) + " " + f.volatility7Day(i));
            }
        });
        features.sort(null);
        cumulative.sort(null);
        try (IcebergSink sink = open()) {
            assertThat(rows(sink, IcebergTable.PRICE_FEATURES, r -> r.getField("symbol") + " " + r.getField("date") + " " + r.getField("close") + " "
                    + nan(r.getField("ma_20")) + " " + nan(r.getField("ma_50")) + " " + nan(r.getField("volatility_20d"))))
                    .as("price_features after run " + n).containsExactlyElementsOf(features);
            assertThat(rows(sink, IcebergTable.PRICE_CUMULATIVE_7D, r -> {
                StringBuilder lists = new StringBuilder();
                List<?> opens = (List<?>) r.getField("opens");
                for (int k = 0; k < opens.size(); k++) {
                    lists.append(' ').append(opens.get(k)).append('/').append(((List<?>) r.getField("highs")).get(k)).append('/')
                            .append(((List<?>) r.getField("lows")).get(k)).append('/').append(((List<?>) r.getField("closes")).get(k)).append('/')
                            .append(((List<?>) r.getField("volumes")).get(k));
                }
                return r.getField("symbol") + " " + r.getField("date") + lists + " " + nan(r.getField("avg_7_day_volume")) + " "
                        + nan(r.getField("volatility_7_day"));
            })).as("price_cumulative_7d after run " + n).containsExactlyElementsOf(cumulative);
        }
    }

    private static Object nan(Object value) {
        return value == null ? Double.NaN : value;
    }

    private static List<String> rows(IcebergSink sink, IcebergTable def, java.util.function.Function<Record, String> format) {
        return sink.onIoThread("read", () -> {
            Table t = sink.tables().table(def);
            t.refresh();
            List<String> out = new ArrayList<>();
            try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
                it.forEach(r -> out.add(format.apply(r)));
            }
            out.sort(null);
            return out;
        });
    }

    private long snapshotCount() {
        try (IcebergSink sink = open()) {
            return sink.onIoThread("count", () -> {
                long n = 0;
                for (IcebergTable def : List.of(IcebergTable.PRICE_FEATURES, IcebergTable.PRICE_CUMULATIVE_7D)) {
                    Table t = sink.tables().table(def);
                    t.refresh();
                    for (var ignored : t.snapshots()) {
                        n++;
                    }
                }
                return n;
            });
        }
    }
}
