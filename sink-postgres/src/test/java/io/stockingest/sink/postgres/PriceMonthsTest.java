package io.stockingest.sink.postgres;

import static io.stockingest.sink.postgres.PostgresSinkTest.bar;
import static io.stockingest.sink.postgres.PostgresSinkTest.config;
import static io.stockingest.sink.postgres.PostgresSinkTest.connect;
import static io.stockingest.sink.postgres.PostgresSinkTest.freshSchema;
import static io.stockingest.sink.postgres.PostgresSinkTest.run;
import static io.stockingest.sink.postgres.PostgresSinkTest.scalar;
import static io.stockingest.sink.postgres.PostgresSinkTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.core.spi.Table;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code prices_daily_months} (V10) against a real PostgreSQL: after every kind of load, rerun, overwrite, concurrent
 * load, rolled-back load and delete it equals a grouped count of {@code prices_daily}, and {@code serve}'s reader
 * answers the coverage from it.
 */
class PriceMonthsTest {
    private static final String SUMMARY = "SELECT symbol, month, sessions, first_date, last_date FROM prices_daily_months ORDER BY 1, 2";
    private static final String COUNTED = "SELECT symbol, date_trunc('month', date)::date, count(*), min(date), max(date) FROM prices_daily GROUP BY 1, 2 ORDER BY 1, 2";
    /** V11's days bits, and the same computed from the rows (bit d-1 for day d). */
    private static final String DAYS = "SELECT symbol, month, days FROM prices_daily_months ORDER BY 1, 2";
    private static final String DAYS_COUNTED = "SELECT symbol, date_trunc('month', date)::date, bit_or(1 << (extract(day FROM date)::int - 1))"
            + " FROM prices_daily GROUP BY 1, 2 ORDER BY 1, 2";

    /** Weekdays from {@code from} through {@code to}; close = base + day of the year. */
    private static List<Bar> days(String symbol, LocalDate from, LocalDate to, double base) {
        List<Bar> out = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            if (d.getDayOfWeek().getValue() <= 5) {
                double close = base + d.getDayOfYear();
                out.add(bar(symbol, d, close - 0.5, close + 1, close - 1.5, close, 1000));
            }
        }
        return out;
    }

    private static BarBatch batch(List<Bar> bars, WriteOptions.Existing existing, RunContext ctx) {
        Bar first = bars.getFirst();
        return new BarBatch(first.symbol(), first.interval(), new DateRange(first.date(), bars.getLast().date()), bars,
                new WriteOptions(WriteOptions.Layout.DAILY, existing), ctx);
    }

    private static void assertExact(String schema, String after) throws Exception {
        String counted = text(schema, COUNTED);
        assertThat(counted).as("prices_daily holds rows").isNotEmpty();
        assertThat(text(schema, SUMMARY)).as("summary after " + after).isEqualTo(counted);
        assertThat(text(schema, DAYS)).as("days bits after " + after).isEqualTo(text(schema, DAYS_COUNTED));
    }

    @Test
    void staysExactThroughFreshLoadsRerunsOverwritesAndAppendedDays() throws Exception {
        String schema = freshSchema();
        LocalDate jan2 = LocalDate.of(2024, 1, 2);
        try (PostgresSink sink = new PostgresSink(config(schema, Map.of("PG_BUFFER_ROWS", "0")))) {
            // fresh: the direct COPY path, three months, two symbols
            sink.load(List.of(batch(days("AAPL", jan2, LocalDate.of(2024, 3, 15), 100), WriteOptions.Existing.SKIP, run("1")),
                    batch(days("MSFT", LocalDate.of(2024, 2, 12), LocalDate.of(2024, 3, 29), 300), WriteOptions.Existing.SKIP, run("1"))));
            assertExact(schema, "a fresh load");
            assertThat(text(schema, SUMMARY)).startsWith("AAPL|2024-01-01|22|2024-01-02|2024-01-31\n");

            // rerun: nothing changes
            String before = text(schema, SUMMARY);
            assertThat(sink.load(List.of(batch(days("AAPL", jan2, LocalDate.of(2024, 3, 15), 100), WriteOptions.Existing.SKIP, run("2"))))
                    .dailyChanged()).isZero();
            assertThat(text(schema, SUMMARY)).as("a rerun").isEqualTo(before);

            // --force over a range reaching past what is stored, with changed values: the staged upsert updates 54
            // rows in place and inserts the 10 new ones (to 2024-03-29), a new symbol in the same load is inserted whole
            List<Bar> changed = days("AAPL", jan2, LocalDate.of(2024, 3, 29), 200);
            PostgresSink.LoadResult forced = sink.load(List.of(batch(changed, WriteOptions.Existing.OVERWRITE, run("3")),
                    batch(days("IBM", LocalDate.of(2023, 12, 27), LocalDate.of(2024, 1, 5), 50), WriteOptions.Existing.OVERWRITE, run("3"))));
            assertThat(forced.dailyChanged()).isEqualTo(changed.size() + 8);
            assertExact(schema, "an overwrite that updates, inserts and adds a symbol");
            assertThat(text(schema, SUMMARY)).contains("AAPL|2024-03-01|21|2024-03-01|2024-03-29\n").contains("IBM|2023-12-01|3|2023-12-27|2023-12-29\n");

            // days appended after the stored ones (a daily run): the direct path again
            sink.load(List.of(batch(days("MSFT", LocalDate.of(2024, 4, 1), LocalDate.of(2024, 4, 3), 300), WriteOptions.Existing.SKIP, run("4"))));
            assertExact(schema, "appended days");

            // one day in the middle of a stored month, values changed and one day new: an update and an insert in one upsert
            List<Bar> gap = List.of(bar("MSFT", LocalDate.of(2024, 2, 12), 1, 2, 0.5, 1.5, 7), bar("MSFT", LocalDate.of(2024, 2, 9), 1, 2, 0.5, 1.5, 7));
            sink.load(List.of(new BarBatch(new Symbol("MSFT"), io.stockingest.core.model.Interval.D1,
                    new DateRange(LocalDate.of(2024, 2, 9), LocalDate.of(2024, 2, 12)), gap, WriteOptions.DEFAULT, run("5"))));
            assertExact(schema, "an update and an insert in a stored month");
            assertThat(text(schema, SUMMARY)).contains("MSFT|2024-02-01|15|2024-02-09|2024-02-29\n");
        }
    }

    @Test
    void aLoadTheGateRefusesLeavesTheSummaryAsItWas() throws Exception {
        String schema = freshSchema();
        try (PostgresSink sink = new PostgresSink(config(schema, Map.of("PG_BUFFER_ROWS", "0")))) {
            sink.load(List.of(batch(days("AAPL", LocalDate.of(2024, 1, 2), LocalDate.of(2024, 1, 31), 100), WriteOptions.Existing.SKIP, run("1"))));
            String before = text(schema, SUMMARY);
            List<Bar> bad = new ArrayList<>(days("AAPL", LocalDate.of(2024, 2, 1), LocalDate.of(2024, 2, 29), 100));
            bad.add(bar("AAPL", LocalDate.of(2024, 3, 1), 10, 9, 8, 9.5, 100)); // high below open: breaks a row rule
            assertThatThrownBy(() -> sink.load(List.of(batch(bad, WriteOptions.Existing.SKIP, run("2")))))
                    .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DQ_GATE))
                    .hasMessageContaining("rolled back");
            assertThat(text(schema, SUMMARY)).isEqualTo(before);
            assertExact(schema, "a refused load");
        }
    }

    @Test
    void concurrentLoadsOfOverlappingSymbolsAddUpExactly() throws Exception {
        String schema = freshSchema();
        new PostgresAdmin(config(schema, Map.of())).migrate();
        List<CompletableFuture<PostgresSink.LoadResult>> loads = new ArrayList<>();
        for (int shard = 0; shard < 4; shard++) {
            int s = shard;
            loads.add(CompletableFuture.supplyAsync(() -> {
                try (PostgresSink sink = new PostgresSink(config(schema, Map.of("PG_MIGRATE", "false", "PG_BUFFER_ROWS", "0")))) {
                    // every shard writes AAPL's whole January and a symbol of its own; AAPL's keys collide across shards
                    return sink.load(List.of(batch(days("AAPL", LocalDate.of(2024, 1, 2), LocalDate.of(2024, 1, 31), 100), WriteOptions.Existing.SKIP, run("1")),
                            batch(days("S" + s, LocalDate.of(2024, 1, 15), LocalDate.of(2024, 2, 20), 10 * s), WriteOptions.Existing.SKIP, run("1"))));
                }
            }));
        }
        CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new)).join();
        assertExact(schema, "four concurrent loads");
        assertThat(text(schema, SUMMARY)).startsWith("AAPL|2024-01-01|22|2024-01-02|2024-01-31\n");
    }

    @Test
    void deletesAndTruncateFromOutsideTheSinkRecountTheirMonths() throws Exception {
        String schema = freshSchema();
        try (PostgresSink sink = new PostgresSink(config(schema, Map.of("PG_BUFFER_ROWS", "0")))) {
            sink.load(List.of(batch(days("AAPL", LocalDate.of(2024, 1, 2), LocalDate.of(2024, 3, 29), 100), WriteOptions.Existing.SKIP, run("1")),
                    batch(days("MSFT", LocalDate.of(2024, 1, 2), LocalDate.of(2024, 2, 29), 300), WriteOptions.Existing.SKIP, run("1"))));
        }
        try (Connection c = java.sql.DriverManager.getConnection(PostgresSinkTest.url()); Statement st = c.createStatement()) {
            // another session, search_path left at its default: the trigger still finds the schema's tables
            st.execute("DELETE FROM " + schema + ".prices_daily WHERE symbol = 'AAPL' AND date BETWEEN '2024-01-29' AND '2024-02-02'");
            st.execute("DELETE FROM " + schema + ".prices_daily WHERE symbol = 'MSFT' AND date >= '2024-02-01'");
        }
        assertExact(schema, "deletes across a month's end and of a whole month");
        assertThat(text(schema, SUMMARY)).contains("AAPL|2024-01-01|19|2024-01-02|2024-01-26\n").contains("AAPL|2024-02-01|19|2024-02-05|2024-02-29\n")
                .doesNotContain("MSFT|2024-02-01");
        try (Connection c = connect(schema); Statement st = c.createStatement()) {
            st.execute("TRUNCATE prices_daily");
        }
        assertThat(scalar(schema, "SELECT count(*) FROM prices_daily_months")).as("after TRUNCATE").isZero();
    }

    @Test
    void serveCountsCoverageFromTheSummaryAndRecountsTheMonthsTheRangeCuts() throws Exception {
        String schema = freshSchema();
        try (PostgresSink sink = new PostgresSink(config(schema, Map.of("PG_BUFFER_ROWS", "0")))) {
            sink.load(List.of(batch(days("AAPL", LocalDate.of(2024, 1, 2), LocalDate.of(2024, 3, 29), 100), WriteOptions.Existing.SKIP, run("1")),
                    batch(days("MSFT", LocalDate.of(2024, 2, 5), LocalDate.of(2024, 2, 9), 300), WriteOptions.Existing.SKIP, run("1"))));
        }
        try (Connection c = connect(schema); Statement st = c.createStatement()) {
            // a summary row that disagrees with the prices shows which source a whole month is read from
            st.execute("UPDATE prices_daily_months SET sessions = 9, days = 511 WHERE symbol = 'AAPL' AND month = '2024-02-01'");
        }
        try (SinkReader reader = new PostgresSinkFactory().openReader("postgres",
                Settings.of(Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + PostgresTestServer.port() + "/postgres", "PG_SCHEMA", schema)))) {
            Table all = reader.storedByMonth(new DateRange(LocalDate.of(2000, 1, 1), LocalDate.of(2024, 12, 31))).orElseThrow();
            assertThat(all.columns()).containsExactly("symbol", "month", "stored", "first", "last");
            assertThat(all.rows()).containsExactly(
                    List.of("AAPL", "2024-01", 22L, "2024-01-02", "2024-01-31"),
                    List.of("AAPL", "2024-02", 9L, "2024-02-01", "2024-02-29"),
                    List.of("AAPL", "2024-03", 21L, "2024-03-01", "2024-03-29"),
                    List.of("MSFT", "2024-02", 5L, "2024-02-05", "2024-02-09"));
            Table cut = reader.storedByMonth(new DateRange(LocalDate.of(2024, 1, 15), LocalDate.of(2024, 2, 7))).orElseThrow();
            assertThat(cut.rows()).as("January and February are cut: counted from the rows in the range").containsExactly(
                    List.of("AAPL", "2024-01", 13L, "2024-01-15", "2024-01-31"),
                    List.of("AAPL", "2024-02", 5L, "2024-02-01", "2024-02-07"),
                    List.of("MSFT", "2024-02", 3L, "2024-02-05", "2024-02-07"));
            assertThat(reader.storedByMonth(new DateRange(LocalDate.of(2024, 2, 5), LocalDate.of(2024, 2, 29))).orElseThrow().rows())
                    .as("MSFT's rows lie inside the range: its summary row is taken as it is").contains(List.of("MSFT", "2024-02", 5L, "2024-02-05", "2024-02-09"));
        }
    }
}
