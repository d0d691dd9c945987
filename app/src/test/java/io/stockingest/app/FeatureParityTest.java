package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.testkit.RandomSessions;
import io.stockingest.lake.LakeLayout;
import io.stockingest.lake.ParquetFiles;
import io.stockingest.sink.postgres.PostgresConfig;
import io.stockingest.sink.postgres.PostgresSink;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import io.stockingest.sink.s3.LakeSink;
import io.stockingest.sink.s3.LocalLakeStorage;
import io.stockingest.sink.snowflake.OfflineSnowflake;
import io.stockingest.sink.snowflake.SnowflakeConfig;
import io.stockingest.sink.snowflake.SnowflakeSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 22's "done means": the lake, Snowflake and PostgreSQL hold the same {@code price_features} and
 * {@code price_cumulative_7d} values for the same bars. The same runs go through the local lake sink, the PostgreSQL
 * sink (the JVM's shared test server) and the Snowflake sink on an {@link OfflineSnowflake} account (its staged
 * Parquet files COPYed and MERGEd, its stored-sessions query answered from the merged rows); after every run each
 * sink's feature rows must equal, bit for bit, {@link FeatureCalculator}'s full recomputation over the series the
 * sink then holds, and a fresh sink loaded with that series in one run must hold the same rows.
 */
class FeatureParityTest {
    private static final Symbol IRR = new Symbol("IRR");
    private static final Symbol FEW = new Symbol("FEW");
    private static final Symbol BAK = new Symbol("BAK");
    private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");

    @TempDir
    Path tmp;

    /** One kind of sink, opened afresh for each run, and what its feature tables hold. */
    private interface Target {
        Sink open();

        /** {@code price_features} rows, canonical and sorted. */
        List<String> features();

        /** {@code price_cumulative_7d} rows, canonical and sorted. */
        List<String> cumulative();
    }

    /**
     * @param backfill the lake layout of the first run and of the split rewrite (YEARLY as {@code --backfill} writes,
     *     then daily runs: the lake's feature step then reads yearly and daily price files of the same year)
     */
    @ParameterizedTest
    @EnumSource(WriteOptions.Layout.class)
    void lakeSnowflakeAndPostgresHoldTheFeaturesOfAFullRecomputationAfterAppendsLateBarsAndASplitRewrite(WriteOptions.Layout backfill) {
        // an irregular series (gaps of 1..10 days, wild prices) well past the 50-session window, and a short one
        List<Bar> irr = RandomSessions.bars(IRR, RandomSessions.series(new SplittableRandom(24), 110));
        List<Bar> few = RandomSessions.bars(FEW, RandomSessions.series(new SplittableRandom(7), 15));
        List<Bar> bak = RandomSessions.bars(BAK, RandomSessions.series(new SplittableRandom(5), 55));
        Map<String, Target> targets = targets("inc");
        Map<Symbol, NavigableMap<LocalDate, Bar>> held = new TreeMap<>();

        assertThat(irr.getFirst().date().getYear()).as("the series crosses a year end").isLessThan(irr.getLast().date().getYear());
        // run 1: the first 80 sessions but the 41st (late), and the middle 5 of the short series
        List<Bar> first = new ArrayList<>(irr.subList(0, 80));
        first.remove(40);
        runEverywhere(targets, held, "1", new WriteOptions(backfill, WriteOptions.Existing.SKIP), List.of(first, few.subList(5, 10), bak.subList(30, 55)));

        // run 2, incremental: the late 41st session; 30 new sessions after 10 stored ones fetched again (unchanged); the
        // short series' 5 before (a backfill) and 5 after; the 30 sessions before a stored series alone (nothing stored
        // between them: PostgreSQL's "fresh" path)
        runEverywhere(targets, held, "2", WriteOptions.DEFAULT, List.of(List.of(irr.get(40)), irr.subList(70, 110), few.subList(0, 5), few.subList(10, 15),
                bak.subList(0, 30)));

        // run 3: a 1:4 split before the 91st session rewrites the first 90 sessions (--force), the rest unchanged
        List<Bar> adjusted = irr.subList(0, 90).stream().map(b -> split(b, 4)).toList();
        runEverywhere(targets, held, "3", new WriteOptions(backfill, WriteOptions.Existing.OVERWRITE), List.of(adjusted));

        // every sink, loaded afresh with the final series in one run, holds the same rows as after the three runs
        Map<String, Target> fresh = targets("full");
        List<List<Bar>> all = held.values().stream().map(bars -> List.copyOf(bars.values())).toList();
        for (var e : fresh.entrySet()) {
            run(e.getValue(), "9", WriteOptions.DEFAULT, all);
            assertThat(e.getValue().features()).as(e.getKey() + ": price_features of a full load equal the incremental ones")
                    .containsExactlyElementsOf(targets.get(e.getKey()).features());
            assertThat(e.getValue().cumulative()).as(e.getKey() + ": price_cumulative_7d of a full load equal the incremental ones")
                    .containsExactlyElementsOf(targets.get(e.getKey()).cumulative());
        }
    }

    /** The first run with features after one without: every sink fills the rows of the sessions stored without them. */
    @Test
    void aRunWithFeaturesAfterOneWithoutGivesEverySinkTheFullRecomputation() {
        List<Bar> irr = RandomSessions.bars(IRR, RandomSessions.series(new SplittableRandom(24), 80));
        Map<String, Target> targets = targets("nf");
        WriteOptions noFeatures = new WriteOptions(WriteOptions.Layout.DAILY, WriteOptions.Existing.SKIP, WriteOptions.Features.SKIP);
        targets.values().forEach(target -> run(target, "1", noFeatures, List.of(irr.subList(0, 60))));
        Map<Symbol, NavigableMap<LocalDate, Bar>> held = new TreeMap<>();
        irr.subList(0, 60).forEach(b -> held.computeIfAbsent(IRR, s -> new TreeMap<>()).put(b.date(), b));
        runEverywhere(targets, held, "2", WriteOptions.DEFAULT, List.of(irr.subList(60, 80)));
    }

    /** A run without features between two with: the third fills the rows of the sessions stored without them. */
    @Test
    void aRunWithFeaturesAfterOneWithoutBetweenRunsWithThemGivesEverySinkTheFullRecomputation() {
        List<Bar> irr = RandomSessions.bars(IRR, RandomSessions.series(new SplittableRandom(24), 80));
        Map<String, Target> targets = targets("mid");
        Map<Symbol, NavigableMap<LocalDate, Bar>> held = new TreeMap<>();
        runEverywhere(targets, held, "1", WriteOptions.DEFAULT, List.of(irr.subList(0, 40)));
        WriteOptions noFeatures = new WriteOptions(WriteOptions.Layout.DAILY, WriteOptions.Existing.SKIP, WriteOptions.Features.SKIP);
        targets.values().forEach(target -> run(target, "2", noFeatures, List.of(irr.subList(40, 60))));
        irr.subList(40, 60).forEach(b -> held.get(IRR).put(b.date(), b));
        runEverywhere(targets, held, "3", WriteOptions.DEFAULT, List.of(irr.subList(60, 80)));
    }

    /** Runs {@code batches} through every target, then checks each holds the full recomputation over what is held. */
    private static void runEverywhere(Map<String, Target> targets, Map<Symbol, NavigableMap<LocalDate, Bar>> held, String runId, WriteOptions options,
            List<List<Bar>> batches) {
        batches.forEach(bars -> bars.forEach(b -> held.computeIfAbsent(b.symbol(), s -> new TreeMap<>()).put(b.date(), b)));
        List<String> features = new ArrayList<>();
        List<String> cumulative = new ArrayList<>();
        held.forEach((symbol, bars) -> {
            FeatureSeries f = FeatureCalculator.compute(symbol, List.of(), bars.values().stream().map(Session::of).toList());
            for (int i = 0; i < f.size(); i++) {
                features.add(featureRow(symbol.value(), f.date(i), f.close(i), f.ma20(i), f.ma50(i), f.volatility20d(i)));
                int n = f.cumulativeLength(i);
                List<Double> opens = new ArrayList<>();
                List<Double> highs = new ArrayList<>();
                List<Double> lows = new ArrayList<>();
                List<Double> closes = new ArrayList<>();
                List<Long> volumes = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    opens.add(f.open(i, k));
                    highs.add(f.high(i, k));
                    lows.add(f.low(i, k));
                    closes.add(f.close(i, k));
                    volumes.add(f.volume(i, k));
                }
                cumulative.add(cumulativeRow(symbol.value(), f.date(i), opens, highs, lows, closes, volumes, f.avg7DayVolume(i), f.volatility7Day(i)));
            }
        });
        features.sort(null);
        cumulative.sort(null);
        for (var e : targets.entrySet()) {
            run(e.getValue(), runId, options, batches);
            assertThat(e.getValue().features()).as(e.getKey() + ": price_features after run " + runId).containsExactlyElementsOf(features);
            assertThat(e.getValue().cumulative()).as(e.getKey() + ": price_cumulative_7d after run " + runId).containsExactlyElementsOf(cumulative);
        }
    }

    private static void run(Target target, String runId, WriteOptions options, List<List<Bar>> batches) {
        RunContext context = new RunContext(runId, "prices", "test", T0.plusSeconds(Long.parseLong(runId)), T0.plusSeconds(Long.parseLong(runId)));
        try (Sink sink = target.open()) {
            for (List<Bar> bars : batches) {
                sink.writeBars(new BarBatch(bars.getFirst().symbol(), Interval.D1, new DateRange(bars.getFirst().date(), bars.getLast().date()), bars,
                        options, context));
            }
            sink.flush();
        }
    }

    /** The bar as a {@code ratio}:1 split adjusts it: prices divided, volume multiplied. */
    private static Bar split(Bar b, int ratio) {
        return new Bar(b.symbol(), b.interval(), b.ts(), b.date(), b.open() / ratio, b.high() / ratio, b.low() / ratio, b.close() / ratio,
                b.close() / ratio, b.volume() * ratio, null, null, b.source(), Adjustment.SPLITS);
    }

    // ---------------------------------------------------------------- the three sinks

    private Map<String, Target> targets(String name) {
        Map<String, Target> targets = new LinkedHashMap<>();
        targets.put("lake", lake(tmp.resolve(name + "-lake")));
        targets.put("postgres", postgres(PostgresTestServer.freshSchema()));
        targets.put("snowflake", snowflake(tmp.resolve(name + "-snowflake")));
        return targets;
    }

    private static Target lake(Path root) {
        return new Target() {
            @Override
            public Sink open() {
                return new LakeSink("parquet:" + root, new LocalLakeStorage(root), LakeLayout.DEFAULT);
            }

            @Override
            public List<String> features() {
                return files(root.resolve("features/prices")).stream().map(FeatureParityTest::featureRow).sorted().toList();
            }

            @Override
            public List<String> cumulative() {
                return files(root.resolve("features/cumulative_7d")).stream().map(FeatureParityTest::cumulativeRow).sorted().toList();
            }

            private List<Map<String, Object>> files(Path dir) {
                if (!Files.isDirectory(dir)) {
                    return List.of();
                }
                try (Stream<Path> walk = Files.walk(dir)) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (Path file : walk.filter(p -> p.toString().endsWith(".parquet") && !LocalLakeStorage.isTemporary(p.getFileName().toString()))
                            .toList()) {
                        rows.addAll(ParquetFiles.readRows(Files.readAllBytes(file)));
                    }
                    return rows;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private static Target postgres(String schema) {
        PostgresConfig config = PostgresConfig.from(PostgresTestServer.jdbcUrl(), Settings.of(Map.of("PG_SCHEMA", schema)));
        return new Target() {
            @Override
            public Sink open() {
                return new PostgresSink(config);
            }

            @Override
            public List<String> features() {
                return query("SELECT symbol, date, close, ma_20, ma_50, volatility_20d FROM price_features", rs -> featureRow(rs.getString(1),
                        rs.getObject(2, LocalDate.class), rs.getDouble(3), orNaN(rs, 4), orNaN(rs, 5), orNaN(rs, 6)));
            }

            @Override
            public List<String> cumulative() {
                return query("SELECT symbol, date, opens, highs, lows, closes, volumes, avg_7_day_volume, volatility_7_day FROM price_cumulative_7d",
                        rs -> cumulativeRow(rs.getString(1), rs.getObject(2, LocalDate.class), List.of((Double[]) rs.getArray(3).getArray()),
                                List.of((Double[]) rs.getArray(4).getArray()), List.of((Double[]) rs.getArray(5).getArray()),
                                List.of((Double[]) rs.getArray(6).getArray()), List.of((Long[]) rs.getArray(7).getArray()), orNaN(rs, 8), orNaN(rs, 9)));
            }

            private List<String> query(String sql, Row row) {
                try (Connection c = PostgresTestServer.connect(schema); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                    List<String> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(row.read(rs));
                    }
                    out.sort(null);
                    return out;
                } catch (SQLException e) {
                    throw new IllegalStateException("Cannot read " + schema + ": " + e.getMessage(), e);
                }
            }
        };
    }

    private interface Row {
        String read(ResultSet rs) throws SQLException;
    }

    private static double orNaN(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : v;
    }

    private static Target snowflake(Path workDir) {
        OfflineSnowflake account = new OfflineSnowflake();
        SnowflakeConfig config = new SnowflakeConfig("myorg-acct1", "LOADER", "pw-parity-22", null, null, "INGEST_ROLE", "LOAD_WH", "MARKET",
                "STOCK_INGEST", null, 4_000_000);
        return new Target() {
            @Override
            public Sink open() {
                return new SnowflakeSink(config, LakeLayout.DEFAULT, account.session(), workDir);
            }

            @Override
            public List<String> features() {
                return account.rows("PRICE_FEATURES").stream().map(FeatureParityTest::featureRow).sorted().toList();
            }

            @Override
            public List<String> cumulative() {
                return account.rows("PRICE_CUMULATIVE_7D").stream().map(FeatureParityTest::cumulativeRow).sorted().toList();
            }
        };
    }

    // ---------------------------------------------------------------- canonical rows (every double's exact digits)

    private static String featureRow(Map<String, Object> row) {
        return featureRow((String) row.get("symbol"), date(row.get("date")), (Double) row.get("close"), orNaN(row.get("ma_20")), orNaN(row.get("ma_50")),
                orNaN(row.get("volatility_20d")));
    }

    private static String cumulativeRow(Map<String, Object> row) {
        return cumulativeRow((String) row.get("symbol"), date(row.get("date")), doubles(row.get("opens")), doubles(row.get("highs")),
                doubles(row.get("lows")), doubles(row.get("closes")), ((List<?>) row.get("volumes")).stream().map(v -> ((Number) v).longValue()).toList(),
                orNaN(row.get("avg_7_day_volume")), orNaN(row.get("volatility_7_day")));
    }

    private static String featureRow(String symbol, LocalDate date, double close, double ma20, double ma50, double volatility20d) {
        return symbol + " " + date + " close=" + close + " ma_20=" + ma20 + " ma_50=" + ma50 + " volatility_20d=" + volatility20d;
    }

    private static String cumulativeRow(String symbol, LocalDate date, List<Double> opens, List<Double> highs, List<Double> lows, List<Double> closes,
            List<Long> volumes, double avg7DayVolume, double volatility7Day) {
        return symbol + " " + date + " opens=" + opens + " highs=" + highs + " lows=" + lows + " closes=" + closes + " volumes=" + volumes
                + " avg_7_day_volume=" + avg7DayVolume + " volatility_7_day=" + volatility7Day;
    }

    private static List<Double> doubles(Object list) {
        return ((List<?>) list).stream().map(v -> ((Number) v).doubleValue()).toList();
    }

    private static double orNaN(Object value) {
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }

    private static LocalDate date(Object value) {
        return value instanceof LocalDate d ? d : LocalDate.ofEpochDay(((Number) value).longValue());
    }
}
