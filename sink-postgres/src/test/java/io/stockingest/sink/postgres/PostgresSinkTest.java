package io.stockingest.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.testkit.RandomSessions;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PostgresSinkTest {
    private static final LocalDate D0 = LocalDate.of(2024, 1, 2);

    static String url() {
        return PostgresTestServer.jdbcUrl();
    }

    static PostgresConfig config(String schema, Map<String, String> extra) {
        Map<String, String> m = new java.util.HashMap<>(extra);
        m.put("PG_SCHEMA", schema);
        return PostgresConfig.from(url(), Settings.of(m));
    }

    static String freshSchema() {
        return PostgresTestServer.freshSchema();
    }

    static Connection connect(String schema) throws SQLException {
        Connection c = DriverManager.getConnection(url());
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + schema);
        }
        return c;
    }

    static RunContext run(String id) {
        Instant now = Instant.parse("2024-03-01T12:00:00Z").plusSeconds(Long.parseLong(id));
        return new RunContext(id, "prices", "test", now, now);
    }

    static Bar bar(String symbol, LocalDate date, double o, double h, double l, double c, long v) {
        return new Bar(new Symbol(symbol), Interval.D1, date.atStartOfDay().toInstant(ZoneOffset.UTC), date, o, h, l, c, c, v, null, null, "test", Adjustment.NONE);
    }

    /** n sessions (weekdays) from D0 with close = base + i, high = close + 1, low = open - 1. */
    static List<Bar> series(String symbol, int n, double base) {
        List<Bar> out = new ArrayList<>();
        LocalDate d = D0;
        for (int i = 0; i < n; i++) {
            while (d.getDayOfWeek().getValue() > 5) {
                d = d.plusDays(1);
            }
            double close = base + i + (i % 3) * 0.25;
            double open = close - 0.5;
            out.add(bar(symbol, d, open, close + 1, open - 1, close, 1000L + i));
            d = d.plusDays(1);
        }
        return out;
    }

    static BarBatch batch(List<Bar> bars, RunContext ctx) {
        Bar first = bars.getFirst();
        return new BarBatch(first.symbol(), first.interval(), new DateRange(first.date(), bars.getLast().date()), bars, WriteOptions.DEFAULT, ctx);
    }

    static long scalar(String schema, String sql) throws SQLException {
        try (Connection c = connect(schema); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String text(String schema, String sql) throws SQLException {
        try (Connection c = connect(schema); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            StringBuilder sb = new StringBuilder();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    sb.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                sb.append('\n');
            }
            return sb.toString();
        }
    }

    @Test
    void migratesFromEmptyAndFromEachEarlierVersion() throws Exception {
        String schema = freshSchema();
        PostgresAdmin admin = new PostgresAdmin(config(schema, Map.of()));
        assertThat(admin.migrate("1")).first().asString().contains("now at version 1");
        assertThat(scalar(schema, "SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + schema + "' AND table_name = 'prices_daily'")).isEqualTo(1);
        assertThat(admin.migrate("2")).first().asString().contains("applied 1 migration(s), now at version 2");
        assertThat(admin.migrate("3")).first().asString().contains("applied 1 migration(s), now at version 3");
        try (Connection c = connect(schema); Statement st = c.createStatement()) {
            // rows stored by a version of the program from before the venue column (this one writes it)
            st.execute("INSERT INTO prices_daily (symbol, date, open, high, low, close, adj_close, volume, source, ingest_ts) VALUES"
                    + " ('AAPL', '2024-01-02', 99.5, 101, 98.5, 100, 100, 1000, 'test', '2024-03-01 12:00:01+00'),"
                    + " ('AAPL', '2024-01-03', 100.75, 102.25, 99.75, 101.25, 101.25, 1001, 'test', '2024-03-01 12:00:01+00'),"
                    + " ('AAPL', '2024-01-04', 102, 103.5, 101, 102.5, 102.5, 1002, 'test', '2024-03-01 12:00:01+00')");
        }
        assertThat(admin.migrate("4")).first().asString().contains("applied 1 migration(s), now at version 4");
        assertThat(admin.migrate("5")).first().asString().contains("applied 1 migration(s), now at version 5");
        assertThat(admin.migrate("6")).first().asString().contains("applied 1 migration(s), now at version 6");
        assertThat(admin.migrate("7")).first().asString().contains("applied 1 migration(s), now at version 7");
        assertThat(scalar(schema, "SELECT count(*) FROM prices_daily")).as("rows stored before the migrations stay").isEqualTo(3);
        assertThat(scalar(schema, "SELECT count(*) FROM prices_daily WHERE venue IS NULL")).as("with no venue recorded").isEqualTo(3);
        assertThat(admin.migrate("9")).first().asString().contains("applied 2 migration(s), now at version 9");
        try (Connection c = connect(schema); Statement st = c.createStatement()) {
            st.execute("INSERT INTO prices_daily (symbol, date, open, high, low, close, adj_close, volume, source, ingest_ts)"
                    + " VALUES ('MSFT', '2023-12-29', 99.5, 101, 98.5, 100, 100, 1000, 'test', '2024-03-01 12:00:01+00')");
        }
        assertThat(admin.migrate("10")).first().asString().contains("applied 1 migration(s), now at version 10");
        assertThat(text(schema, "SELECT symbol, month, sessions, first_date, last_date FROM prices_daily_months ORDER BY 1, 2"))
                .as("V10 counts the rows stored before it").isEqualTo("AAPL|2024-01-01|3|2024-01-02|2024-01-04\nMSFT|2023-12-01|1|2023-12-29|2023-12-29\n");
        assertThat(admin.migrate()).first().asString().contains("applied 1 migration(s), now at version 11");
        assertThat(text(schema, "SELECT symbol, month, days FROM prices_daily_months ORDER BY 1, 2"))
                .as("V11 sets the days bits of the rows stored before it (days 2, 3, 4; day 29)").isEqualTo("AAPL|2024-01-01|14\nMSFT|2023-12-01|268435456\n");
        PostgresSink migrated = new PostgresSink(config(schema, Map.of("PG_MIGRATE", "false", "PG_BUFFER_ROWS", "0")));
        assertThat(migrated.load(List.of(batch(series("AAPL", 5, 100), run("2")))).dailyChanged())
                .as("and loads go on: two new rows, three given their venue").isEqualTo(5);
        assertThat(text(schema, "SELECT DISTINCT venue FROM prices_daily WHERE symbol = 'AAPL'")).isEqualTo("US\n");
        assertThat(text(schema, "SELECT symbol, month, sessions, first_date, last_date FROM prices_daily_months ORDER BY 1, 2"))
                .as("the load adds its two new rows").isEqualTo("AAPL|2024-01-01|5|2024-01-02|2024-01-08\nMSFT|2023-12-01|1|2023-12-29|2023-12-29\n");
        assertThat(admin.migrate()).first().asString().contains("applied 0 migration(s)");
        List<String> info = admin.info();
        assertThat(info).hasSize(13).allSatisfy(line -> assertThat(line).containsAnyOf("Success", "installed_on"));
        assertThat(info.get(4)).startsWith("3        features");
        assertThat(info.get(5)).startsWith("4        datasets as in the lake");
        assertThat(info.get(6)).startsWith("5        quotes day fields");
        assertThat(info.get(7)).startsWith("6        prices daily date brin");
        assertThat(info.get(8)).startsWith("7        venue");
        assertThat(info.get(9)).startsWith("8        checked sessions");
        assertThat(info.get(10)).startsWith("9        option last quote and trade");
        assertThat(info.get(11)).startsWith("10       prices daily months");
        assertThat(info.get(12)).startsWith("11       prices daily months days");
        assertThat(text(schema, "SELECT indexname FROM pg_indexes WHERE schemaname = '" + schema + "' AND tablename = 'prices_daily' ORDER BY 1"))
                .isEqualTo("prices_daily_date_brin\nprices_daily_pkey\n");

        String empty = freshSchema();
        assertThat(new PostgresAdmin(config(empty, Map.of())).migrate()).first().asString().contains("applied 11 migration(s), now at version 11");
        assertThat(scalar(empty, "SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + empty + "'"))
                .as("12 tables + flyway history").isEqualTo(13);
    }

    @Test
    void loadStoresExactValuesAndARerunChangesNothing() throws Exception {
        String schema = freshSchema();
        try (PostgresSink sink = new PostgresSink(config(schema, Map.of()))) {
            sink.writeBars(batch(series("AAPL", 30, 100), run("1")));
            sink.writeBars(batch(series("BRK.B", 30, 400), run("1")));
            assertThat(scalar(schema, "SELECT count(*) FROM prices_daily")).as("buffered until flush").isZero();
            sink.flush();
        }
        assertThat(text(schema, "SELECT symbol, date, open, high, low, close, adj_close, volume, vwap, transactions, source, ingest_ts FROM prices_daily WHERE symbol = 'BRK.B' ORDER BY date LIMIT 2"))
                .isEqualTo("BRK.B|2024-01-02|399.5|401|398.5|400|400|1000|null|null|test|2024-03-01 12:00:01+00\n"
                        + "BRK.B|2024-01-03|400.75|402.25|399.75|401.25|401.25|1001|null|null|test|2024-03-01 12:00:01+00\n");
        assertThat(scalar(schema, "SELECT count(*) FROM prices_daily")).isEqualTo(60);
        String xminBefore = text(schema, "SELECT symbol, date, xmin FROM prices_daily ORDER BY 1, 2");

        PostgresSink again = new PostgresSink(config(schema, Map.of()));
        PostgresSink.LoadResult result = again.load(List.of(batch(series("AAPL", 30, 100), run("2")), batch(series("BRK.B", 30, 400), run("2"))));
        assertThat(result.dailyChanged()).isZero();
        assertThat(text(schema, "SELECT symbol, date, xmin FROM prices_daily ORDER BY 1, 2")).as("no row rewritten").isEqualTo(xminBefore);
        assertThat(scalar(schema, "SELECT count(*) FROM prices_daily WHERE ingest_ts <> '2024-03-01 12:00:01+00'")).isZero();
    }

    @Test
    void storedSessionsAreTheCommittedDatesInTheRangeFromOneQuery() {
        String schema = freshSchema();
        try (PostgresSink sink = new PostgresSink(config(schema, Map.of()))) {
            sink.writeBars(batch(series("AAPL", 30, 100), run("1")));
            DateRange range = new DateRange(LocalDate.of(2024, 1, 3), LocalDate.of(2024, 1, 7));
            assertThat(sink.storedSessions(List.of(new Symbol("AAPL")), Interval.D1, range).get(new Symbol("AAPL")))
                    .as("buffered, not stored yet").isEqualTo(StoredSessions.Stored.NONE);
            sink.flush();
            Map<Symbol, StoredSessions.Stored> stored = sink.storedSessions(List.of(new Symbol("AAPL"), new Symbol("IBM")), Interval.D1, range);
            assertThat(stored.get(new Symbol("AAPL")).dates()).as("weekdays of the range")
                    .containsExactlyInAnyOrder(LocalDate.of(2024, 1, 3), LocalDate.of(2024, 1, 4), LocalDate.of(2024, 1, 5));
            assertThat(stored.get(new Symbol("IBM"))).as("nothing stored").isEqualTo(StoredSessions.Stored.NONE);
            assertThat(sink.storedSessions(List.of(new Symbol("AAPL")), Interval.M5, range).get(new Symbol("AAPL")))
                    .as("intraday is another table").isEqualTo(StoredSessions.Stored.NONE);
        }
    }

    @Test
    void aCorrectedBarIsUpdatedAndOnlyIt() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema, Map.of("PG_BUFFER_ROWS", "0")));
        sink.writeBars(batch(series("MSFT", 10, 300), run("1")));
        List<Bar> corrected = new ArrayList<>(series("MSFT", 10, 300));
        Bar b = corrected.get(4);
        corrected.set(4, bar("MSFT", b.date(), b.open(), b.high(), b.low(), b.close(), 777_777));
        PostgresSink.LoadResult r = sink.load(List.of(batch(corrected, run("2"))));
        assertThat(r.dailyChanged()).isEqualTo(1);
        assertThat(r.changedDailySymbols()).containsExactly("MSFT");
        assertThat(text(schema, "SELECT date, volume, ingest_ts FROM prices_daily WHERE volume = 777777"))
                .isEqualTo(b.date() + "|777777|2024-03-01 12:00:02+00\n");
    }

    @Test
    void aFailingGateRollsBackAndLeavesProductionUntouched() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema, Map.of()));
        sink.writeBars(batch(series("AAPL", 5, 100), run("1")));
        sink.flush();
        String before = text(schema, "SELECT *, xmin FROM prices_daily ORDER BY date");

        List<Bar> bad = new ArrayList<>(series("AAPL", 5, 100));
        Bar b = bad.get(2);
        bad.set(2, bar("AAPL", b.date(), b.open(), b.open() - 5, b.low(), b.close(), b.volume())); // high below open
        sink.writeBars(batch(bad, run("2")));
        sink.writeBars(batch(series("NVDA", 5, 50), run("2")));
        assertThatThrownBy(sink::flush)
                .isInstanceOf(IngestException.class)
                .hasMessageContaining("1 with high < max(open, close)")
                .hasMessageContaining("symbols: AAPL")
                .extracting(e -> ((IngestException) e).kind()).isEqualTo(ErrorKind.DQ_GATE);
        assertThat(text(schema, "SELECT *, xmin FROM prices_daily ORDER BY date")).isEqualTo(before);
        assertThat(scalar(schema, "SELECT count(*) FROM prices_daily WHERE symbol = 'NVDA'")).isZero();
    }

    @Test
    void aFailingGateOnAppendedDaysRollsBackTheirDirectCopy() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema, Map.of("PG_BUFFER_ROWS", "0")));
        sink.writeBars(batch(series("AAPL", 5, 100), run("1")));
        String before = text(schema, "SELECT *, xmin FROM prices_daily ORDER BY date") + text(schema, "SELECT *, xmin FROM price_features ORDER BY date");
        List<Bar> next = new ArrayList<>(series("AAPL", 8, 100).subList(5, 8));
        Bar b = next.get(1);
        next.set(1, bar("AAPL", b.date(), b.open(), b.high(), b.open() + 0.1, b.close(), b.volume())); // low above open
        assertThatThrownBy(() -> sink.writeBars(batch(next, run("2"))))
                .isInstanceOf(IngestException.class)
                .hasMessageContaining("1 with low > min(open, close) (symbols: AAPL)")
                .extracting(e -> ((IngestException) e).kind()).isEqualTo(ErrorKind.DQ_GATE);
        assertThat(text(schema, "SELECT *, xmin FROM prices_daily ORDER BY date") + text(schema, "SELECT *, xmin FROM price_features ORDER BY date"))
                .isEqualTo(before);
    }

    @Test
    void aNaNOrNegativePriceFailsTheGate() {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema, Map.of("PG_BUFFER_ROWS", "0")));
        List<Bar> bad = List.of(bar("X", D0, Double.NaN, 2, 1, 1.5, 10), bar("X", D0.plusDays(1), 1, 2, -1, 1.5, -3));
        assertThatThrownBy(() -> sink.writeBars(batch(bad, run("1"))))
                .hasMessageContaining("2 with a missing or non-positive price")
                .hasMessageContaining("1 with negative volume");
    }

    @Test
    void aConnectionKilledMidLoadRollsBackAndTheRerunConverges() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema, Map.of()));
        List<Bar> bars = series("AMZN", 40, 150);
        try (Connection blocker = connect(schema)) {
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("LOCK TABLE prices_daily IN EXCLUSIVE MODE"); // the sink's upsert waits on this lock
            }
            CompletableFuture<PostgresSink.LoadResult> load = CompletableFuture.supplyAsync(() -> sink.load(List.of(batch(bars, run("1")))));
            try (Connection killer = connect(schema); Statement st = killer.createStatement()) {
                long killed = 0;
                while (killed == 0) { // wait until the sink's backend is blocked inside its load transaction
                    try (ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                            + " WHERE application_name = 'stock-ingest' AND wait_event_type = 'Lock' AND query LIKE 'COPY prices_daily%'")) {
                        rs.next();
                        killed = rs.getLong(1);
                    }
                }
            }
            assertThat(load).failsWithin(java.time.Duration.ofSeconds(20))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOf(IngestException.class)
                    .withMessageContaining("Cannot load 40 bars of AMZN")
                    .withMessageContaining("rolled back");
            blocker.rollback();
        }
        assertThat(scalar(schema, "SELECT count(*) FROM prices_daily")).isZero();
        assertThat(sink.load(List.of(batch(bars, run("1")))).dailyChanged()).isEqualTo(40);
        assertThat(sink.load(List.of(batch(bars, run("2")))).dailyChanged()).isZero();
        assertThat(scalar(schema, "SELECT count(*) FROM price_features WHERE symbol = 'AMZN'")).isEqualTo(40);
    }

    @Test
    void aConnectionKilledInTheUpsertOfStoredRowsLeavesThemAsTheyWere() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema, Map.of()));
        List<Bar> bars = series("AMZN", 40, 150);
        sink.load(List.of(batch(bars, run("1"))));
        String before = text(schema, "SELECT *, xmin FROM prices_daily ORDER BY date") + text(schema, "SELECT *, xmin FROM price_features ORDER BY date");
        List<Bar> corrected = new ArrayList<>(bars);
        Bar b = bars.get(10);
        corrected.set(10, bar("AMZN", b.date(), b.open(), b.high(), b.low(), b.close(), 5));
        try (Connection blocker = connect(schema)) {
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("LOCK TABLE prices_daily IN EXCLUSIVE MODE");
            }
            CompletableFuture<PostgresSink.LoadResult> load = CompletableFuture.supplyAsync(() -> sink.load(List.of(batch(corrected, run("2")))));
            try (Connection killer = connect(schema); Statement st = killer.createStatement()) {
                long killed = 0;
                while (killed == 0) {
                    try (ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                            + " WHERE application_name = 'stock-ingest' AND wait_event_type = 'Lock' AND query LIKE 'WITH up AS (INSERT INTO prices_daily%'")) {
                        rs.next();
                        killed = rs.getLong(1);
                    }
                }
            }
            assertThat(load).failsWithin(java.time.Duration.ofSeconds(20))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOf(IngestException.class).withMessageContaining("rolled back");
            blocker.rollback();
        }
        assertThat(text(schema, "SELECT *, xmin FROM prices_daily ORDER BY date") + text(schema, "SELECT *, xmin FROM price_features ORDER BY date"))
                .isEqualTo(before);
        assertThat(sink.load(List.of(batch(corrected, run("2")))).dailyChanged()).isEqualTo(1);
        assertThat(scalar(schema, "SELECT volume FROM prices_daily WHERE date = '" + b.date() + "'")).isEqualTo(5);
    }

    @Test
    void appendedNewAndCorrectedSeriesInOneLoadGiveTheFeaturesOfAFullRecompute() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema, Map.of()));
        List<Bar> aapl = series("AAPL", 80, 100);
        List<Bar> ibm = series("IBM", 60, 50);
        List<Bar> msft = series("MSFT", 30, 300);
        sink.load(List.of(batch(aapl.subList(0, 60), run("1")), batch(ibm, run("1"))));
        List<Bar> ibmCorrected = new ArrayList<>(ibm);
        Bar b = ibm.get(40);
        ibmCorrected.set(40, bar("IBM", b.date(), b.open(), b.high() + 5, b.low(), b.close() + 4, b.volume()));
        String untouched = text(schema, "SELECT date, xmin FROM price_features WHERE symbol = 'IBM' AND date < '" + b.date() + "' ORDER BY date");

        PostgresSink.LoadResult r = sink.load(List.of(batch(aapl.subList(60, 80), run("2")), batch(msft, run("2")), batch(ibmCorrected, run("2"))));
        assertThat(r.dailyChanged()).as("20 appended + 30 new + 1 corrected").isEqualTo(51);
        assertThat(r.changedDailySymbols()).containsExactly("AAPL", "IBM", "MSFT");
        assertThat(text(schema, "SELECT date, xmin FROM price_features WHERE symbol = 'IBM' AND date < '" + b.date() + "' ORDER BY date"))
                .as("features before the corrected date are not rewritten").isEqualTo(untouched);

        String whole = freshSchema();
        new PostgresSink(config(whole, Map.of())).load(List.of(batch(aapl, run("2")), batch(msft, run("2")), batch(ibmCorrected, run("2"))));
        for (String sql : List.of("SELECT symbol, date, " + BarLoader.VALUE_COLS + " FROM prices_daily ORDER BY symbol, date",
                "SELECT * FROM price_features ORDER BY symbol, date", "SELECT * FROM price_cumulative_7d ORDER BY symbol, date")) {
            assertThat(text(schema, sql)).as(sql).isEqualTo(text(whole, sql));
        }
        assertThat(scalar(schema, "SELECT count(*) FROM price_features")).isEqualTo(170);
    }

    @Test
    void featuresMatchHandComputedValues() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema, Map.of()));
        List<Bar> bars = series("IBM", 60, 100);
        sink.writeBars(batch(bars, run("1")));
        sink.flush();
        int last = 59;
        double ma20 = 0;
        for (int i = last - 19; i <= last; i++) {
            ma20 += bars.get(i).close() / 20;
        }
        double ma50 = 0;
        for (int i = last - 49; i <= last; i++) {
            ma50 += bars.get(i).close() / 50;
        }
        double[] r = new double[20];
        double mean = 0;
        for (int k = 0; k < 20; k++) {
            int i = last - 19 + k;
            r[k] = Math.log(bars.get(i).close() / bars.get(i - 1).close());
            mean += r[k] / 20;
        }
        double ss = 0;
        for (double x : r) {
            ss += (x - mean) * (x - mean);
        }
        double vol20 = Math.sqrt(ss / 19);
        LocalDate lastDate = bars.get(last).date();
        try (Connection c = connect(schema); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT ma_20, ma_50, volatility_20d FROM price_features WHERE symbol = 'IBM' AND date = '" + lastDate + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getDouble(1)).isCloseTo(ma20, within(1e-9));
            assertThat(rs.getDouble(2)).isCloseTo(ma50, within(1e-9));
            assertThat(rs.getDouble(3)).isCloseTo(vol20, within(1e-12));
        }
        assertThat(text(schema, "SELECT ma_20, ma_50, volatility_20d FROM price_features WHERE symbol = 'IBM' AND date = '" + bars.get(18).date() + "'"))
                .as("fewer than 20 sessions: null").isEqualTo("null|null|null\n");

        double v7 = 0;
        for (int i = last - 6; i <= last; i++) {
            v7 += bars.get(i).volume() / 7.0;
        }
        assertThat(text(schema, "SELECT closes, volumes, avg_7_day_volume FROM price_cumulative_7d WHERE symbol = 'IBM' AND date = '" + lastDate + "'"))
                .isEqualTo("{153.5,154,155.25,156.5,157,158.25,159.5}|{1053,1054,1055,1056,1057,1058,1059}|1056\n");
        assertThat(v7).isCloseTo(1056, within(1e-9));
        double[] r7 = new double[7];
        double m7 = 0;
        for (int k = 0; k < 7; k++) {
            int i = last - 6 + k;
            r7[k] = Math.log(bars.get(i).close() / bars.get(i - 1).close());
            m7 += r7[k] / 7;
        }
        double ss7 = 0;
        for (double x : r7) {
            ss7 += (x - m7) * (x - m7);
        }
        assertThat(scalarDouble(schema, "SELECT volatility_7_day FROM price_cumulative_7d WHERE symbol = 'IBM' AND date = '" + lastDate + "'"))
                .isCloseTo(Math.sqrt(ss7 / 6), within(1e-12));
    }

    @Test
    void everyFeatureRowEqualsItsWindowDefinitionWithinRounding() throws Exception {
        // irregular closes (a wave plus a step), so each row's windows differ; 75 sessions cover every edge: the first
        // ma_20 (row 19), volatility_20d (row 20), ma_50 (row 49) and the rows past them
        String schema = freshSchema();
        List<Bar> bars = new ArrayList<>();
        for (Bar b : series("IBM", 75, 100)) {
            int i = bars.size();
            double close = 100 + 7 * Math.sin(i * 0.7) + (i > 40 ? 12.125 : 0) + i * 0.03;
            bars.add(bar("IBM", b.date(), close - 0.5, close + 1, close - 1.5, close, 1000L + (i * 37) % 101));
        }
        new PostgresSink(config(schema, Map.of())).load(List.of(batch(bars, run("1"))));
        try (Connection c = connect(schema); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT f.ma_20, f.ma_50, f.volatility_20d, c.volatility_7_day FROM price_features f"
                        + " JOIN price_cumulative_7d c USING (symbol, date) WHERE symbol = 'IBM' ORDER BY date")) {
            for (int t = 0; t < bars.size(); t++) {
                assertThat(rs.next()).as("row %d", t).isTrue();
                assertFeature(rs, 1, t >= 19 ? mean(bars, t - 19, t) : null, "ma_20", t);
                assertFeature(rs, 2, t >= 49 ? mean(bars, t - 49, t) : null, "ma_50", t);
                assertFeature(rs, 3, t >= 20 ? stddevOfReturns(bars, t - 19, t) : null, "volatility_20d", t);
                assertFeature(rs, 4, t >= 7 ? stddevOfReturns(bars, t - 6, t) : null, "volatility_7_day", t);
            }
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void featureRowsEqualTheOldSqlDefinitionAfterFreshAppendedCorrectedReadjustedAndBackfilledLoads() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema, Map.of()));
        SplittableRandom random = new SplittableRandom(22);
        int[] lengths = {1, 2, 7, 8, 21, 60, 300, 130, 75};
        List<List<Bar>> all = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            all.add(RandomSessions.bars(new Symbol("S" + i), RandomSessions.series(random, lengths[i])));
        }
        // load 1: the first part of each series, except S8, of which only the later part is stored first
        List<BarBatch> first = new ArrayList<>();
        List<BarBatch> second = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            List<Bar> bars = all.get(i);
            int cut = bars.size() / 2;
            if (i == 8) {
                first.add(batch(bars.subList(cut, bars.size()), run("1")));
                second.add(batch(bars.subList(0, cut), run("2"))); // a backfill before stored sessions
            } else if (cut > 0) {
                first.add(batch(bars.subList(0, cut), run("1")));
                second.add(batch(bars.subList(cut, bars.size()), run("2"))); // appended sessions
            } else {
                second.add(batch(bars, run("2"))); // a new symbol
            }
        }
        sink.load(first);
        sink.load(second);
        // a correction in the middle of S6, and S7's whole history adjusted for a 2:1 split
        List<Bar> corrected = new ArrayList<>(all.get(6));
        Bar b = corrected.get(150);
        corrected.set(150, bar("S6", b.date(), b.open(), b.high() * 1.5, b.low(), b.close() * 1.25, b.volume() + 7));
        List<Bar> split = all.get(7).stream().map(x -> bar("S7", x.date(), x.open() / 2, x.high() / 2, x.low() / 2, x.close() / 2, x.volume() * 2)).toList();
        PostgresSink.LoadResult r = sink.load(List.of(batch(corrected, run("3")), batch(split, run("3"))));
        assertThat(r.dailyChanged()).as("one corrected row and the whole adjusted history").isEqualTo(1 + 130);

        try (Connection c = connect(schema)) {
            FeatureSqlOracle.computeAll(c, all.stream().map(x -> x.getFirst().symbol().value()).toList());
            assertSameFeatures(c, "SELECT symbol, date, close, ma_20, ma_50, volatility_20d FROM %s ORDER BY symbol, date",
                    "price_features", "oracle_features", List.of(4, 5, 6));
            assertSameFeatures(c, "SELECT symbol, date, opens::text, highs::text, lows::text, closes::text, volumes::text, avg_7_day_volume,"
                    + " volatility_7_day FROM %s ORDER BY symbol, date", "price_cumulative_7d", "oracle_cumulative_7d", List.of(8, 9));
        }
        assertThat(scalar(schema, "SELECT count(*) FROM price_features")).as("one row per stored session").isEqualTo(java.util.Arrays.stream(lengths).sum());
    }

    /**
     * Compares two tables row by row: columns listed in {@code approximate} (1-based) within 1e-12 relative (null where
     * the other is null), every other column exactly as text.
     */
    private static void assertSameFeatures(Connection c, String query, String table, String oracle, List<Integer> approximate) throws SQLException {
        try (Statement a = c.createStatement(); Statement o = c.createStatement();
                ResultSet ours = a.executeQuery(String.format(query, table)); ResultSet theirs = o.executeQuery(String.format(query, oracle))) {
            int columns = ours.getMetaData().getColumnCount();
            int row = 0;
            while (theirs.next()) {
                assertThat(ours.next()).as("%s has the oracle's row %d", table, row).isTrue();
                String at = table + " " + ours.getString(1) + " " + ours.getString(2);
                for (int col = 1; col <= columns; col++) {
                    String name = ours.getMetaData().getColumnName(col);
                    if (approximate.contains(col)) {
                        double want = theirs.getDouble(col);
                        boolean wantNull = theirs.wasNull();
                        double got = ours.getDouble(col);
                        assertThat(ours.wasNull()).as("%s %s is null where the SQL's is", at, name).isEqualTo(wantNull);
                        assertThat(got).as("%s %s", at, name).isCloseTo(want, within(Math.abs(want) * 1e-12));
                    } else {
                        assertThat(ours.getString(col)).as("%s %s", at, name).isEqualTo(theirs.getString(col));
                    }
                }
                row++;
            }
            assertThat(ours.next()).as("%s has no row the oracle lacks", table).isFalse();
            assertThat(row).as("rows compared").isPositive();
        }
    }

    @Test
    void aRerunComparesWithTheStoredRowsAndStagesOnlyTheBarsThatDiffer() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema, Map.of()));
        List<Bar> bars = new ArrayList<>(series("IBM", 30, 100));
        Bar nan = bars.get(3);
        bars.set(3, new Bar(nan.symbol(), nan.interval(), nan.ts(), nan.date(), nan.open(), nan.high(), nan.low(), nan.close(), null, nan.volume(),
                Double.NaN, 12L, "test", nan.adjustment())); // null adj_close, NaN vwap: equal to themselves when stored
        sink.load(List.of(batch(bars, run("1"))));

        PostgresSink.LoadResult rerun = sink.load(List.of(batch(bars, run("2"))));
        assertThat(rerun.dailyChanged()).as("nothing changed").isZero();
        assertThat(sink.phaseNanos()).as("the rerun compared in memory and staged nothing")
                .containsKey("compare with stored rows").doesNotContainKey("copy to staging");

        List<Bar> changed = new ArrayList<>(bars);
        Bar b = bars.get(20);
        changed.set(20, new Bar(b.symbol(), b.interval(), b.ts(), b.date(), b.open(), b.high(), b.low(), b.close(), b.close() * 0.9, b.volume(),
                null, null, "test", b.adjustment())); // only adj_close differs
        PostgresSink.LoadResult corrected = sink.load(List.of(batch(changed, run("3"))));
        assertThat(corrected.dailyChanged()).as("only the bar whose adj_close changed").isEqualTo(1);
        assertThat(scalarDouble(schema, "SELECT adj_close FROM prices_daily WHERE date = '" + b.date() + "'")).isEqualTo(b.close() * 0.9);
    }

    @Test
    void featuresAreSkippedWithPgFeaturesFalseOrNoFeatures() throws Exception {
        String off = freshSchema();
        new PostgresSink(config(off, Map.of("PG_FEATURES", "false"))).load(List.of(batch(series("IBM", 30, 100), run("1"))));
        assertThat(scalar(off, "SELECT count(*) FROM prices_daily")).isEqualTo(30);
        assertThat(scalar(off, "SELECT count(*) FROM price_features") + scalar(off, "SELECT count(*) FROM price_cumulative_7d"))
                .as("PG_FEATURES=false stores no feature row").isZero();

        String skipped = freshSchema();
        List<Bar> bars = series("IBM", 30, 100);
        WriteOptions noFeatures = new WriteOptions(WriteOptions.Layout.DAILY, WriteOptions.Existing.SKIP, WriteOptions.Features.SKIP);
        new PostgresSink(config(skipped, Map.of())).load(List.of(new BarBatch(new Symbol("IBM"), Interval.D1,
                new DateRange(bars.getFirst().date(), bars.getLast().date()), bars, noFeatures, run("1")), batch(series("MSFT", 30, 10), run("1"))));
        assertThat(text(skipped, "SELECT DISTINCT symbol FROM price_features")).as("--no-features skips the batch's symbol only").isEqualTo("MSFT\n");
        assertThat(text(skipped, "SELECT DISTINCT symbol FROM price_cumulative_7d")).isEqualTo("MSFT\n");
    }

    /** The value at column {@code col} is null when {@code expected} is, else equal to it within 1e-12 relative. */
    private static void assertFeature(ResultSet rs, int col, Double expected, String name, int row) throws SQLException {
        double got = rs.getDouble(col);
        if (expected == null) {
            assertThat(rs.wasNull()).as("%s at row %d is null", name, row).isTrue();
        } else {
            assertThat(rs.wasNull()).as("%s at row %d is set", name, row).isFalse();
            assertThat(got).as("%s at row %d", name, row).isCloseTo(expected, within(Math.abs(expected) * 1e-12));
        }
    }

    private static double mean(List<Bar> bars, int from, int to) {
        double sum = 0;
        for (int i = from; i <= to; i++) {
            sum += bars.get(i).close();
        }
        return sum / (to - from + 1);
    }

    /** Sample standard deviation of the log returns ending at sessions from..to (each against the session before). */
    private static double stddevOfReturns(List<Bar> bars, int from, int to) {
        int n = to - from + 1;
        double[] r = new double[n];
        double mean = 0;
        for (int k = 0; k < n; k++) {
            r[k] = Math.log(bars.get(from + k).close() / bars.get(from + k - 1).close());
            mean += r[k];
        }
        mean /= n;
        double ss = 0;
        for (double x : r) {
            ss += (x - mean) * (x - mean);
        }
        return Math.sqrt(ss / (n - 1));
    }

    static double scalarDouble(String schema, String sql) throws SQLException {
        try (Connection c = connect(schema); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    @Test
    void sqlExportLoadsIntoAFreshSchemaAndCsvHasAHeader() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema, Map.of()));
        List<Bar> bars = new ArrayList<>(series("KO", 5, 60));
        bars.set(0, new Bar(new Symbol("KO"), Interval.D1, bars.getFirst().ts(), bars.getFirst().date(), 59.5, 61, 58.5, 60, null, 1000, 60.12, 42L, "o'neil", Adjustment.NONE));
        sink.writeBars(batch(bars, run("1")));
        sink.writeBars(batch(series("PEP", 5, 170), run("1")));
        sink.flush();

        Exporter exporter = new Exporter(config(schema, Map.of()));
        ByteArrayOutputStream sql = new ByteArrayOutputStream();
        assertThat(exporter.export("prices_daily", Exporter.format("sql"), "symbol IN ('KO')", sql)).isEqualTo(5);
        assertThat(sql.toString(StandardCharsets.UTF_8)).startsWith(
                "INSERT INTO prices_daily (symbol, date, open, high, low, close, adj_close, volume, vwap, transactions, source, ingest_ts, venue) VALUES "
                        + "('KO', '2024-01-02', 59.5, 61, 58.5, 60, NULL, 1000, 60.12, 42, 'o''neil', '2024-03-01 12:00:01+00', 'US');\n");

        String target = freshSchema();
        new PostgresAdmin(config(target, Map.of())).migrate();
        try (Connection c = connect(target); Statement st = c.createStatement()) {
            st.execute(sql.toString(StandardCharsets.UTF_8));
        }
        String cols = "SELECT symbol, date, open, high, low, close, adj_close, volume, vwap, transactions, source, ingest_ts, venue FROM prices_daily ORDER BY 1, 2";
        assertThat(text(target, cols)).isEqualTo(text(schema, cols.replace("FROM prices_daily", "FROM prices_daily WHERE symbol = 'KO'")));

        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        assertThat(exporter.export("prices_daily", Exporter.Format.CSV, null, csv)).isEqualTo(10);
        assertThat(csv.toString(StandardCharsets.UTF_8).lines().toList())
                .hasSize(11)
                .startsWith("symbol,date,open,high,low,close,adj_close,volume,vwap,transactions,source,ingest_ts,venue",
                        "KO,2024-01-02,59.5,61,58.5,60,,1000,60.12,42,o'neil,2024-03-01 12:00:01+00,US");
    }

    @Test
    void aWhereThatTriesToWriteIsRefused() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema, Map.of("PG_BUFFER_ROWS", "0")));
        sink.writeBars(batch(series("KO", 3, 60), run("1")));
        Exporter exporter = new Exporter(config(schema, Map.of()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> exporter.export("prices_daily", Exporter.Format.CSV, "1=1; DELETE FROM prices_daily", out))
                .hasMessageContaining("without ';'");
        assertThatThrownBy(() -> exporter.export("prices_daily", Exporter.Format.SQL,
                "symbol IN (SELECT symbol FROM (SELECT set_config('transaction_read_only', 'off', true)) x, LATERAL (SELECT 'KO'::text AS symbol) y)", out))
                .isInstanceOf(IngestException.class);
        assertThatThrownBy(() -> exporter.export("prices_daily", Exporter.Format.SQL,
                "0 < (SELECT count(*) FROM (SELECT nextval('quarantine_id_seq')) s)", out))
                .isInstanceOf(IngestException.class)
                .hasMessageContaining("read-only transaction");
        assertThatThrownBy(() -> exporter.export("pg_authid", Exporter.Format.CSV, null, out)).hasMessageContaining("No table 'pg_authid'");
        assertThat(scalar(schema, "SELECT count(*) FROM prices_daily")).isEqualTo(3);
    }

    @Test
    void quarantineRunsAndSinceLastAreStored() throws Exception {
        String schema = freshSchema();
        PostgresConfig config = config(schema, Map.of());
        PostgresSink sink = new PostgresSink(config);
        sink.writeBars(batch(series("AAPL", 5, 100), run("1")));
        sink.writeBars(batch(series("MSFT", 3, 300), run("1")));
        sink.writeQuarantine(List.of(new Rejected(bar("AAPL", LocalDate.of(2024, 1, 13), 1, 0.5, 1, 1, 5), "high_ge_open_close", "high 0.5 < max(open, close) 1.0")), run("1"));
        RunReport report = new RunReport("1", "prices", "test", "1d", "2024-01-02", "2024-01-08", List.of(sink.name()), Instant.parse("2024-03-01T12:00:00Z"),
                Instant.parse("2024-03-01T12:00:05Z"), 5000, 0, "ok", 2, 2, 0, 2, 0, 0, 2, 0, 8, 1, Map.of("high_ge_open_close", 1L), List.of(), Map.of());
        sink.writeRun(report);
        sink.flush();
        assertThat(text(schema, "SELECT run_id, symbol, date, rule, row->>'high' FROM quarantine"))
                .isEqualTo("1|AAPL|2024-01-13|high_ge_open_close|0.5\n");
        assertThat(text(schema, "SELECT run_id, status, rows_written, rows_quarantined, metrics->>'duration_ms', finished_at FROM ingest_runs"))
                .isEqualTo("1|ok|8|1|5000|2024-03-01 12:00:05+00\n");
        assertThat(new PostgresAdmin(config).lastStoredDates(List.of(new Symbol("AAPL"), new Symbol("MSFT"), new Symbol("NEW")), Interval.D1))
                .containsExactly(Map.entry(new Symbol("AAPL"), LocalDate.of(2024, 1, 8)), Map.entry(new Symbol("MSFT"), LocalDate.of(2024, 1, 4)));
    }

    @Test
    void intradayBarsUpsertByIntervalAndTs() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema, Map.of("PG_BUFFER_ROWS", "0")));
        Instant t = Instant.parse("2024-01-02T14:30:00Z");
        List<Bar> bars = List.of(
                new Bar(new Symbol("AAPL"), Interval.M5, t, D0, 1, 2, 0.5, 1.5, null, 10, 1.2, 3L, "test", Adjustment.NONE),
                new Bar(new Symbol("AAPL"), Interval.M5, t.plusSeconds(300), D0, 1.5, 2, 1, 1.75, null, 11, null, null, "test", Adjustment.NONE));
        BarBatch b = new BarBatch(new Symbol("AAPL"), Interval.M5, new DateRange(D0, D0), bars, WriteOptions.DEFAULT, run("1"));
        sink.writeBars(b);
        assertThat(sink.load(List.of(b)).intradayChanged()).isZero();
        assertThat(text(schema, "SELECT interval, ts, date, close, vwap FROM prices_intraday ORDER BY ts"))
                .isEqualTo("5m|2024-01-02 14:30:00+00|2024-01-02|1.5|1.2\n5m|2024-01-02 14:35:00+00|2024-01-02|1.75|null\n");
        assertThat(new PostgresAdmin(config(schema, Map.of())).lastStoredDates(List.of(new Symbol("AAPL")), Interval.M5))
                .containsEntry(new Symbol("AAPL"), D0);
    }
}
