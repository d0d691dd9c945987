package io.stockingest.sink.postgres;

import static io.stockingest.sink.postgres.PostgresSinkTest.bar;
import static io.stockingest.sink.postgres.PostgresSinkTest.config;
import static io.stockingest.sink.postgres.PostgresSinkTest.connect;
import static io.stockingest.sink.postgres.PostgresSinkTest.freshSchema;
import static io.stockingest.sink.postgres.PostgresSinkTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.WriteOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Planning's stored sessions from {@code prices_daily_months}' days bits (V11) are the dates of {@code prices_daily}
 * itself, and a sink skips Flyway only on a schema at this program's latest version.
 */
class StoredDaysTest {
    private static BarBatch batch(List<Bar> bars) {
        Bar first = bars.getFirst();
        return new BarBatch(first.symbol(), Interval.D1, new DateRange(first.date(), bars.getLast().date()), bars, WriteOptions.DEFAULT, run("1"));
    }

    /** Weekdays from {@code from} through {@code to}, except {@code skipped}. */
    private static List<Bar> weekdays(String symbol, LocalDate from, LocalDate to, Set<LocalDate> skipped) {
        List<Bar> out = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            if (d.getDayOfWeek().getValue() <= 5 && !skipped.contains(d)) {
                out.add(bar(symbol, d, 10, 12, 9, 11, 100));
            }
        }
        return out;
    }

    @Test
    void theSummaryAnswersTheSameStoredSessionsAsThePriceRows() throws Exception {
        String schema = freshSchema();
        List<Symbol> symbols = Stream.of("AAPL", "MSFT", "SAP.DE", "7203.T", "NEW", "NONE").map(Symbol::new).toList();
        try (PostgresSink sink = new PostgresSink(config(schema, Map.of("PG_BUFFER_ROWS", "0")))) {
            // AAPL: two years with gaps (a missing week, a missing month-end day 31, a lone day 1), a holiday bar
            List<Bar> aapl = new ArrayList<>(weekdays("AAPL", LocalDate.of(2023, 1, 2), LocalDate.of(2024, 12, 31),
                    Set.of(LocalDate.of(2023, 3, 13), LocalDate.of(2023, 3, 14), LocalDate.of(2023, 3, 15), LocalDate.of(2023, 3, 16),
                            LocalDate.of(2023, 3, 17), LocalDate.of(2023, 5, 31))));
            aapl.removeIf(b -> b.date().getYear() == 2023 && b.date().getMonthValue() == 8); // a whole month missing
            aapl.add(bar("AAPL", LocalDate.of(2023, 8, 1), 10, 12, 9, 11, 100));
            aapl.sort(java.util.Comparator.comparing(Bar::date));
            sink.load(List.of(batch(aapl)));
            // MSFT: a partial month only (a listing mid-month); the Saturday bar is stored as it came
            sink.load(List.of(batch(weekdays("MSFT", LocalDate.of(2024, 10, 16), LocalDate.of(2024, 10, 31), Set.of())),
                    batch(List.of(bar("MSFT", LocalDate.of(2024, 11, 2), 10, 12, 9, 11, 100)))));
            // other venues (their own holidays: German 2024-10-03, Japanese 2024-09-23 stored or not)
            sink.load(List.of(batch(weekdays("SAP.DE", LocalDate.of(2024, 9, 2), LocalDate.of(2024, 11, 29), Set.of(LocalDate.of(2024, 10, 3)))),
                    batch(weekdays("7203.T", LocalDate.of(2024, 9, 2), LocalDate.of(2024, 10, 31), Set.of()))));
            // a day appended later to a stored month (the upsert path ORs its bit in), and a new symbol of one day
            sink.load(List.of(batch(List.of(bar("AAPL", LocalDate.of(2023, 5, 31), 10, 12, 9, 11, 100))),
                    batch(List.of(bar("NEW", LocalDate.of(2024, 12, 31), 10, 12, 9, 11, 100)))));
            // a session checked as empty (recorded, no row)
            sink.recordChecked(Interval.D1, Map.of(new Symbol("MSFT"), Map.of(LocalDate.of(2024, 10, 15), StoredSessions.Checked.EMPTY)), run("2"));

            PostgresAdmin admin = new PostgresAdmin(config(schema, Map.of()));
            for (DateRange range : List.of(new DateRange(LocalDate.of(2000, 1, 1), LocalDate.of(2030, 12, 31)),
                    new DateRange(LocalDate.of(2023, 3, 15), LocalDate.of(2024, 10, 17)), // cuts months at both ends
                    new DateRange(LocalDate.of(2023, 5, 31), LocalDate.of(2023, 5, 31)),
                    new DateRange(LocalDate.of(2024, 11, 2), LocalDate.of(2024, 12, 31)),
                    new DateRange(LocalDate.of(2025, 1, 1), LocalDate.of(2025, 3, 1)))) {
                Map<Symbol, Set<LocalDate>> rows = admin.storedDatesFromRows(symbols, range);
                Map<Symbol, StoredSessions.Stored> planned = sink.storedSessions(symbols, Interval.D1, range);
                assertThat(planned.keySet()).as("every symbol is a key").containsExactlyElementsOf(symbols);
                symbols.forEach(symbol -> assertThat(planned.get(symbol).dates()).as(symbol + " in " + range).isEqualTo(rows.get(symbol)));
                Map<Symbol, StoredSessions.Known> known = sink.knownSessions(symbols, Interval.D1, range);
                symbols.forEach(symbol -> assertThat(known.get(symbol).stored().dates()).isEqualTo(rows.get(symbol)));
            }
            DateRange all = new DateRange(LocalDate.of(2023, 1, 1), LocalDate.of(2024, 12, 31));
            Map<Symbol, StoredSessions.Stored> planned = sink.storedSessions(symbols, Interval.D1, all);
            assertThat(planned.get(new Symbol("AAPL")).dates()).contains(LocalDate.of(2023, 8, 1), LocalDate.of(2023, 5, 31), LocalDate.of(2024, 12, 31))
                    .doesNotContain(LocalDate.of(2023, 8, 2), LocalDate.of(2023, 3, 15));
            assertThat(planned.get(new Symbol("MSFT")).dates()).hasSize(13).contains(LocalDate.of(2024, 11, 2));
            assertThat(planned.get(new Symbol("NONE")).dates()).isEmpty();
            assertThat(sink.knownSessions(symbols, Interval.D1, all).get(new Symbol("MSFT")).checked())
                    .containsEntry(LocalDate.of(2024, 10, 15), StoredSessions.Checked.EMPTY);
        }
    }

    @Test
    void aSinkSkipsFlywayOnlyOnASchemaAtTheLatestVersion() throws Exception {
        String schema = freshSchema();
        PostgresAdmin admin = new PostgresAdmin(config(schema, Map.of()));
        assertThat(admin.checkUpToDate(true)).as("no schema yet").isFalse();
        admin.migrate();
        assertThat(admin.checkUpToDate(true)).as("just migrated").isTrue();
        assertThat(admin.checkUpToDate(false)).isTrue();
        try (Connection c = connect(schema); Statement st = c.createStatement()) {
            st.execute("UPDATE flyway_schema_history SET success = false WHERE version = '" + PostgresAdmin.LATEST_VERSION + "'");
            assertThat(admin.checkUpToDate(true)).as("a failed migration").isFalse();
            st.execute("UPDATE flyway_schema_history SET success = true");
            st.execute("DELETE FROM flyway_schema_history WHERE version = '" + PostgresAdmin.LATEST_VERSION + "'");
            assertThat(admin.checkUpToDate(true)).as("the latest version pending").isFalse();
        }
        String other = freshSchema();
        new PostgresAdmin(config(other, Map.of())).migrate();
        try (Connection c = connect(other); Statement st = c.createStatement()) {
            // a version newer than this program's: left to Flyway (which ignores future migrations), not taken as up to date
            st.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, installed_by, execution_time, success)"
                    + " VALUES (1000, '" + (PostgresAdmin.LATEST_VERSION + 1) + "', 'future', 'SQL', 'V99__future.sql', 'test', 0, true)");
        }
        assertThat(new PostgresAdmin(config(other, Map.of())).checkUpToDate(true)).as("a newer version applied").isFalse();
    }

    @Test
    void theLatestVersionIsTheNewestMigrationFile() throws Exception {
        Pattern name = Pattern.compile("V(\\d+)__.*\\.sql");
        int newest;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            newest = files.map(f -> name.matcher(f.getFileName().toString())).filter(Matcher::matches).mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
        }
        assertThat(PostgresAdmin.LATEST_VERSION).isEqualTo(newest);
    }
}
