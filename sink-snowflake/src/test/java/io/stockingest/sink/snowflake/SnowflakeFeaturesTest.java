package io.stockingest.sink.snowflake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.IngestException;
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
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnowflakeFeaturesTest {
    private static final String RUN = "1727740800";
    private static final Instant INGEST = Instant.parse("2024-10-01T00:00:00.123456Z");
    private static final RunContext CONTEXT = new RunContext(RUN, "prices", "yahoo", INGEST, INGEST);
    private static final Symbol IBM = new Symbol("IBM");
    private static final List<Bar> BARS = RandomSessions.bars(IBM, RandomSessions.series(new SplittableRandom(9), 100));

    @TempDir
    Path workDir;

    private SnowflakeSink sink(RecordingExecutor executor) {
        return new SnowflakeSink(new SnowflakeConfig("myorg-acct1", "LOADER", "pw-Sn0wfl4ke-sink", null, null, "INGEST_ROLE", "LOAD_WH", "MARKET",
                "STOCK_INGEST", null, 4_000_000), LakeLayout.DEFAULT, executor, workDir);
    }

    private static BarBatch batch(List<Bar> bars, WriteOptions options) {
        return new BarBatch(IBM, Interval.D1, new DateRange(bars.getFirst().date(), bars.getLast().date()), bars, options, CONTEXT);
    }

    /** Answers the loads, and the stored-sessions query with {@code stored} as Snowflake would return them. */
    private static RecordingExecutor answering(List<Map<String, Object>> stored) {
        return new RecordingExecutor()
                .answer("SELECT 'tail'", stored)
                .answer("COPY INTO", List.of(Map.of("ROWS_LOADED", 1L)))
                .answer("SELECT COUNT(*)", List.of(Map.of("ROWS", 1L, "KEY_PRESENT", 0L, "PRICES_POSITIVE", 0L, "OHLC_CONSISTENT", 0L,
                        "VOLUME_NON_NEGATIVE", 0L)))
                .answer("MERGE INTO", List.of(Map.of("NUMBER OF ROWS INSERTED", 1L, "NUMBER OF ROWS UPDATED", 0L)));
    }

    /** Stored rows as the JDBC executor returns them (upper-case labels, a java.sql.Date, NUMBER as BigDecimal). */
    private static List<Map<String, Object>> stored(String part, List<Bar> bars) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Bar b : bars.reversed()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("PART", part);
            row.put("SYMBOL", b.symbol().value());
            row.put("DATE", java.sql.Date.valueOf(b.date()));
            row.put("OPEN", b.open());
            row.put("HIGH", b.high());
            row.put("LOW", b.low());
            row.put("CLOSE", b.close());
            row.put("VOLUME", java.math.BigDecimal.valueOf(b.volume()));
            rows.add(row);
        }
        return rows;
    }

    @Test
    void featuresAreLoadedRightAfterThePricesInTheSameStagedWay() {
        RecordingExecutor executor = answering(List.of());
        SnowflakeSink sink = sink(executor);
        sink.writeBars(batch(BARS, WriteOptions.DEFAULT));
        sink.flush();

        assertThat(executor.verbs()).as("the feature tables are merged in prices_daily's transaction, after its gate").containsExactly("SELECT",
                "PUT", "CREATE", "PUT", "CREATE", "PUT", "CREATE",
                "BEGIN", "COPY", "SELECT", "MERGE", "COPY", "MERGE", "COPY", "MERGE", "COMMIT",
                "DROP", "REMOVE", "DROP", "REMOVE", "DROP", "REMOVE");
        assertThat(executor.statements.getFirst()).as("one query reads the stored tail and later sessions of every symbol")
                .startsWith("SELECT 'tail' AS \"PART\"").contains("FROM VALUES ('IBM', '" + BARS.getFirst().date() + "')")
                .contains("QUALIFY ROW_NUMBER() OVER (PARTITION BY p.\"SYMBOL\" ORDER BY p.\"DATE\" DESC) <= 49")
                .endsWith("WHERE p.\"DATE\" >= l.\"FIRST\"");
        assertThat(sink.loads()).extracting(SnowflakeSink.LoadResult::table)
                .containsExactly(SnowflakeTable.PRICES_DAILY, SnowflakeTable.PRICE_FEATURES, SnowflakeTable.PRICE_CUMULATIVE_7D);
        assertStagedFeaturesEqual(executor, FeatureCalculator.compute(IBM, List.of(), BARS.stream().map(Session::of).toList()), 0);
    }

    @Test
    void aFailedFeatureMergeRollsThePricesBackToo() {
        RecordingExecutor executor = answering(List.of()).failOn("MERGE INTO \"MARKET\".\"STOCK_INGEST\".\"PRICE_CUMULATIVE_7D\"");
        SnowflakeSink sink = sink(executor);
        sink.writeBars(batch(BARS, WriteOptions.DEFAULT));
        assertThatThrownBy(sink::flush).isInstanceOf(IngestException.class).hasMessageContaining("boom");
        assertThat(executor.verbs()).as("prices_daily's MERGE is rolled back with the features'").containsExactly("SELECT",
                "PUT", "CREATE", "PUT", "CREATE", "PUT", "CREATE",
                "BEGIN", "COPY", "SELECT", "MERGE", "COPY", "MERGE", "COPY", "MERGE", "ROLLBACK",
                "DROP", "REMOVE", "DROP", "REMOVE", "DROP", "REMOVE");
        assertThat(executor.statements).noneMatch(st -> st.equals("COMMIT"));
        assertThat(sink.loads()).isEmpty();
    }

    @Test
    void newSessionsGetTheFeaturesOfAFullComputationFromTheStoredTail() {
        RecordingExecutor executor = answering(stored("tail", BARS.subList(70 - 49, 70)));
        SnowflakeSink sink = sink(executor);
        sink.writeBars(batch(BARS.subList(70, 100), WriteOptions.DEFAULT));
        sink.flush();
        assertStagedFeaturesEqual(executor, FeatureCalculator.compute(IBM, List.of(), BARS.stream().map(Session::of).toList()), 70);
    }

    @Test
    void aBackfillBeforeStoredSessionsRecomputesThemToo() {
        RecordingExecutor executor = answering(stored("from", BARS.subList(40, 100)));
        SnowflakeSink sink = sink(executor);
        sink.writeBars(batch(BARS.subList(0, 40), WriteOptions.DEFAULT));
        sink.flush();
        assertStagedFeaturesEqual(executor, FeatureCalculator.compute(IBM, List.of(), BARS.stream().map(Session::of).toList()), 0);
    }

    /** Found by app's FeatureParityTest: the sessions stored between a late bar and the new ones were left out. */
    @Test
    void aLateBarLoadedWithNewSessionsCountsTheStoredSessionsBetweenThem() {
        List<Map<String, Object>> stored = new ArrayList<>(stored("tail", BARS.subList(0, 40)));
        stored.addAll(stored("from", BARS.subList(41, 90)));
        RecordingExecutor executor = answering(stored);
        SnowflakeSink sink = sink(executor);
        sink.writeBars(batch(List.of(BARS.get(40)), WriteOptions.DEFAULT));
        sink.writeBars(batch(BARS.subList(90, 100), WriteOptions.DEFAULT));
        sink.flush();
        assertStagedFeaturesEqual(executor, FeatureCalculator.compute(IBM, List.of(), BARS.stream().map(Session::of).toList()), 40);
    }

    @Test
    void aRefusedPriceLoadLoadsNoFeaturesAndNoFeaturesSkipsThem() {
        RecordingExecutor refused = answering(List.of()).answer("SELECT COUNT(*)", List.of(Map.of("ROWS", 100L, "KEY_PRESENT", 0L,
                "PRICES_POSITIVE", 1L, "OHLC_CONSISTENT", 0L, "VOLUME_NON_NEGATIVE", 0L)));
        SnowflakeSink sink = sink(refused);
        sink.writeBars(batch(BARS, WriteOptions.DEFAULT));
        assertThatThrownBy(sink::flush).hasMessageContaining("Data-quality gate refused the Snowflake load of prices_daily");
        assertThat(refused.statements).as("nothing is copied or merged into the feature tables (their staging, made before BEGIN, is dropped)")
                .noneMatch(s -> (s.startsWith("COPY") || s.startsWith("MERGE")) && (s.contains("PRICE_FEATURES") || s.contains("CUMULATIVE")));
        assertThat(refused.verbs()).containsSubsequence("BEGIN", "COPY", "SELECT", "ROLLBACK").doesNotContain("COMMIT");

        RecordingExecutor skipped = answering(List.of());
        SnowflakeSink without = sink(skipped);
        without.writeBars(batch(BARS, new WriteOptions(WriteOptions.Layout.DAILY, WriteOptions.Existing.SKIP, WriteOptions.Features.SKIP)));
        without.flush();
        assertThat(skipped.statements).as("--no-features: no stored-sessions query, no feature load")
                .noneMatch(s -> s.startsWith("SELECT 'tail'") || s.contains("PRICE_FEATURES") || s.contains("CUMULATIVE"));
    }

    /** The staged feature files hold exactly {@code full}'s rows from {@code from} on, bit for bit. */
    private static void assertStagedFeaturesEqual(RecordingExecutor executor, FeatureSeries full, int from) {
        List<Map<String, Object>> features = ParquetFiles.readRows(executor.putFiles.get("price_features-00001.parquet"));
        List<Map<String, Object>> cumulative = ParquetFiles.readRows(executor.putFiles.get("price_cumulative_7d-00001.parquet"));
        assertThat(features).as("price_features rows").hasSize(full.size() - from);
        assertThat(cumulative).as("price_cumulative_7d rows").hasSize(full.size() - from);
        for (int i = from; i < full.size(); i++) {
            Map<String, Object> f = features.get(i - from);
            Map<String, Object> c = cumulative.get(i - from);
            String at = "session " + i;
            assertThat(f.get("date")).as(at).isIn(full.date(i), (int) full.date(i).toEpochDay());
            assertThat(new Object[] {f.get("close"), f.get("ma_20"), f.get("ma_50"), f.get("volatility_20d")}).as(at)
                    .containsExactly(full.close(i), orNull(full.ma20(i)), orNull(full.ma50(i)), orNull(full.volatility20d(i)));
            List<Object> closes = new ArrayList<>();
            List<Object> volumes = new ArrayList<>();
            for (int k = 0; k < full.cumulativeLength(i); k++) {
                closes.add(full.close(i, k));
                volumes.add(full.volume(i, k));
            }
            assertThat(new Object[] {c.get("closes"), c.get("volumes"), c.get("avg_7_day_volume"), c.get("volatility_7_day")}).as(at)
                    .containsExactly(closes, volumes, orNull(full.avg7DayVolume(i)), orNull(full.volatility7Day(i)));
        }
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
