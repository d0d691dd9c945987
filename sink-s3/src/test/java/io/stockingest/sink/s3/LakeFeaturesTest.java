package io.stockingest.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.features.FeatureCalculator;
import io.stockingest.core.features.FeatureSeries;
import io.stockingest.core.features.Session;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.testkit.RandomSessions;
import io.stockingest.lake.LakeLayout;
import io.stockingest.lake.ParquetFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeFeaturesTest {
    private static final Symbol SYMBOL = new Symbol("IBM");
    private static final RunContext CONTEXT = new RunContext("1727740800", "prices", "test", Instant.parse("2024-10-01T00:00:00Z"),
            Instant.parse("2024-10-01T00:00:00Z"));
    private static final WriteOptions DAILY = WriteOptions.DEFAULT;
    private static final WriteOptions YEARLY = new WriteOptions(WriteOptions.Layout.YEARLY, WriteOptions.Existing.SKIP);
    private static final WriteOptions YEARLY_FORCE = new WriteOptions(WriteOptions.Layout.YEARLY, WriteOptions.Existing.OVERWRITE);

    @TempDir
    Path root;

    private LakeSink sink() {
        return new LakeSink("parquet:" + root, new LocalLakeStorage(root), LakeLayout.DEFAULT);
    }

    private static List<Bar> bars(int length, long seed) {
        return RandomSessions.bars(SYMBOL, RandomSessions.series(new SplittableRandom(seed), length));
    }

    private static BarBatch batch(List<Bar> bars, WriteOptions options) {
        return new BarBatch(SYMBOL, Interval.D1, new DateRange(bars.getFirst().date(), bars.getLast().date()), bars, options, CONTEXT);
    }

    @Test
    void aYearlyBackfillWritesOneFeatureFileOfEachKindPerYearHoldingTheFullComputation() throws IOException {
        List<Bar> bars = bars(400, 1);
        sink().writeBars(batch(bars, YEARLY));
        int years = bars.getLast().date().getYear() - bars.getFirst().date().getYear() + 1;
        assertThat(files("features/prices")).as("one price_features file per year").hasSize(years)
                .allMatch(f -> f.matches("features/prices/symbol=IBM/year=\\d{4}/IBM-\\d{4}\\.parquet"));
        assertThat(files("features/cumulative_7d")).as("one price_cumulative_7d file per year").hasSize(years)
                .allMatch(f -> f.matches("features/cumulative_7d/symbol=IBM/year=\\d{4}/IBM-\\d{4}\\.parquet"));
        assertEqualsFullComputation(bars);
        Map<String, Object> row = rows("features/prices").get(30);
        assertThat(row.keySet()).containsExactly("symbol", "date", "close", "ma_20", "ma_50", "volatility_20d", "ingest_ts");
        assertThat(row.get("ma_50")).as("ma_50 before 50 sessions is null").isNull();
        assertThat(rows("features/cumulative_7d").getFirst().keySet()).containsExactly("symbol", "date", "opens", "highs", "lows", "closes", "volumes",
                "avg_7_day_volume", "volatility_7_day", "ingest_ts");
    }

    @Test
    void appendedDailyFilesGiveTheFullComputationReadingTheTailFromTheFeatureFiles() throws IOException {
        List<Bar> bars = bars(420, 2);
        LakeSink sink = sink();
        sink.writeBars(batch(bars.subList(0, 400), YEARLY)); // history as a backfill
        long before = Files.getLastModifiedTime(root.resolve(files("features/prices").getFirst())).toMillis();
        for (int i = 400; i < 420; i += 4) {
            sink.writeBars(batch(bars.subList(i, i + 4), DAILY)); // then daily runs, a few sessions each
        }
        assertEqualsFullComputation(bars);
        if (bars.get(400).date().getYear() > bars.getFirst().date().getYear()) {
            assertThat(Files.getLastModifiedTime(root.resolve(files("features/prices").getFirst())).toMillis())
                    .as("the first year's features are not rewritten by later sessions").isEqualTo(before);
        }
    }

    @Test
    void aBackfillBeforeStoredYearsAndASplitAdjustedRewriteRecomputeTheLaterSessions() throws IOException {
        List<Bar> bars = bars(360, 3);
        LakeSink sink = sink();
        sink.writeBars(batch(bars.subList(180, 360), YEARLY));
        sink.writeBars(batch(bars.subList(0, 180), YEARLY)); // earlier sessions arrive last
        assertEqualsFullComputation(bars);

        List<Bar> adjusted = bars.stream().map(b -> new Bar(b.symbol(), b.interval(), b.ts(), b.date(), b.open() / 4, b.high() / 4, b.low() / 4,
                b.close() / 4, b.adjClose() / 4, b.volume() * 4, null, null, "test", b.adjustment())).toList();
        sink.writeBars(batch(adjusted, YEARLY_FORCE)); // a 4:1 split rewrites the whole history
        assertEqualsFullComputation(adjusted);
    }

    @Test
    void aLakeWrittenWithoutFeaturesGetsThemWholeOnTheNextRunThatStoresThem() throws IOException {
        List<Bar> bars = bars(300, 4);
        LakeSink sink = sink();
        sink.writeBars(batch(bars.subList(0, 290), new WriteOptions(WriteOptions.Layout.YEARLY, WriteOptions.Existing.SKIP, WriteOptions.Features.SKIP)));
        assertThat(files("features")).as("--no-features writes no feature file").isEmpty();
        sink.writeBars(batch(bars.subList(290, 300), DAILY));
        assertEqualsFullComputation(bars);
    }

    @Test
    void aBatchThatWritesNoPriceFileLeavesTheFeaturesAlone() throws IOException {
        List<Bar> bars = bars(60, 5);
        LakeSink sink = sink();
        sink.writeBars(batch(bars, DAILY));
        List<Long> times = new ArrayList<>();
        for (String f : files("features")) {
            times.add(Files.getLastModifiedTime(root.resolve(f)).toMillis());
        }
        assertThat(sink.writeBars(batch(bars, DAILY)).filesSkipped()).isEqualTo(60);
        List<Long> after = new ArrayList<>();
        for (String f : files("features")) {
            after.add(Files.getLastModifiedTime(root.resolve(f)).toMillis());
        }
        assertThat(after).as("a rerun with every day present rewrites nothing").isEqualTo(times);
        assertEqualsFullComputation(bars);
    }

    /**
     * A run that stops at any write (the storage fails the n-th write of the batch, as a kill or a full disk would)
     * leaves no price file without its features: the features are written before the prices they describe. The
     * rerun fetches what is missing (the sessions without price files) and ends with the full computation. For both
     * layouts, and a stop at every write of the batch.
     */
    @Test
    void aRunStoppedAtAnyWriteLeavesNoPriceFileWithoutItsFeaturesAndTheRerunCompletesThem() throws IOException {
        List<Bar> series = bars(300, 6); // over a year boundary
        for (WriteOptions options : List.of(DAILY, YEARLY)) {
            // daily: ten sessions, ten price files; yearly: the whole series, a price file per year
            List<Bar> bars = options.layout() == WriteOptions.Layout.DAILY ? series.subList(290, 300) : series;
            for (int failAt = 1; ; failAt++) {
                Path lake = Files.createTempDirectory(root, "lake");
                int stopAt = failAt;
                int[] writes = {0};
                LakeStorage failing = new ForwardingLakeStorage(new LocalLakeStorage(lake)) {
                    private void count(String key) {
                        if (++writes[0] == stopAt) {
                            throw new io.stockingest.core.IngestException(io.stockingest.core.ErrorKind.SINK, "Cannot write " + key + ": stopped");
                        }
                    }

                    @Override
                    public boolean putIfAbsent(String key, byte[] bytes) {
                        count(key);
                        return super.putIfAbsent(key, bytes);
                    }

                    @Override
                    public void put(String key, byte[] bytes) {
                        count(key);
                        super.put(key, bytes);
                    }
                };
                boolean stopped;
                try {
                    new LakeSink("parquet:" + lake, failing, LakeLayout.DEFAULT, 1).writeBars(batch(bars, options));
                    stopped = false;
                } catch (io.stockingest.core.IngestException e) {
                    stopped = true;
                }
                String at = options.layout() + ", stopped at write " + failAt;
                LakeSink healthy = new LakeSink("parquet:" + lake, new LocalLakeStorage(lake), LakeLayout.DEFAULT);
                var stored = healthy.storedSessions(List.of(SYMBOL), Interval.D1, new DateRange(bars.getFirst().date(), bars.getLast().date()))
                        .get(SYMBOL).dates();
                if (!stored.isEmpty()) {
                    List<Map<String, Object>> features = rowsIn(lake, "features/prices");
                    assertThat(features.stream().map(row -> (LocalDate) row.get("date")).toList()).as(at + ": features of every stored session")
                            .containsAll(stored);
                }
                // the rerun: the sessions the lake lacks, as the planner asks for them
                List<Bar> missing = bars.stream().filter(bar -> !stored.contains(bar.date())).toList();
                if (!missing.isEmpty()) {
                    healthy.writeBars(new BarBatch(SYMBOL, Interval.D1, new DateRange(missing.getFirst().date(), missing.getLast().date()), missing, options,
                            CONTEXT));
                }
                assertEqualsFullComputation(lake, bars);
                if (!stopped) {
                    assertThat(failAt).as(options.layout() + ": the batch's writes, features included").isGreaterThan(2);
                    break;
                }
            }
        }
    }

    private static List<Map<String, Object>> rowsIn(Path lake, String folder) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.exists(lake.resolve(folder))) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(lake.resolve(folder))) {
            for (Path file : walk.filter(f -> f.toString().endsWith(".parquet") && !f.getFileName().toString().startsWith(".")).sorted().toList()) {
                out.addAll(ParquetFiles.readRows(Files.readAllBytes(file)));
            }
        }
        return out;
    }

    /** Every stored feature row equals, bit for bit, the calculator's rows over the whole series. */
    private void assertEqualsFullComputation(List<Bar> bars) throws IOException {
        assertEqualsFullComputation(root, bars);
    }

    private static void assertEqualsFullComputation(Path lake, List<Bar> bars) throws IOException {
        FeatureSeries full = FeatureCalculator.compute(SYMBOL, List.of(), bars.stream().map(Session::of).toList());
        List<Map<String, Object>> features = rowsIn(lake, "features/prices");
        List<Map<String, Object>> cumulative = rowsIn(lake, "features/cumulative_7d");
        assertThat(features).as("one price_features row per session").hasSize(full.size());
        assertThat(cumulative).as("one price_cumulative_7d row per session").hasSize(full.size());
        for (int i = 0; i < full.size(); i++) {
            Map<String, Object> f = features.get(i);
            Map<String, Object> c = cumulative.get(i);
            String at = "session " + i + " (" + full.date(i) + ")";
            assertThat(f).as(at).containsEntry("symbol", "IBM").containsEntry("date", full.date(i)).containsEntry("close", full.close(i))
                    .containsEntry("ma_20", orNull(full.ma20(i))).containsEntry("ma_50", orNull(full.ma50(i)))
                    .containsEntry("volatility_20d", orNull(full.volatility20d(i)));
            List<Double> opens = new ArrayList<>();
            List<Double> highs = new ArrayList<>();
            List<Double> lows = new ArrayList<>();
            List<Double> closes = new ArrayList<>();
            List<Long> volumes = new ArrayList<>();
            for (int k = 0; k < full.cumulativeLength(i); k++) {
                opens.add(full.open(i, k));
                highs.add(full.high(i, k));
                lows.add(full.low(i, k));
                closes.add(full.close(i, k));
                volumes.add(full.volume(i, k));
            }
            assertThat(c).as(at).containsEntry("date", full.date(i)).containsEntry("avg_7_day_volume", orNull(full.avg7DayVolume(i)))
                    .containsEntry("volatility_7_day", orNull(full.volatility7Day(i)));
            assertThat(List.of(c.get("opens"), c.get("highs"), c.get("lows"), c.get("closes"), c.get("volumes"))).as("arrays at " + at)
                    .isEqualTo(List.of(opens, highs, lows, closes, volumes));
        }
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private List<Map<String, Object>> rows(String folder) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String file : files(folder)) {
            out.addAll(ParquetFiles.readRows(Files.readAllBytes(root.resolve(file))));
        }
        return out;
    }

    private List<String> files(String folder) throws IOException {
        Path dir = root.resolve(folder);
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).filter(f -> f.endsWith(".parquet")).sorted().toList();
        }
    }
}
