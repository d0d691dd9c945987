package io.stockingest.sink.postgres;

import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.WriteOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a unit test (tagged {@code benchmark}): what a PostgreSQL rerun with nothing changed spends in the sink before it
 * finds there is nothing to fetch, on {@code 1,000 symbols x 1,255 sessions} stored (the test server): opening the
 * sink (the rights check), Flyway on an up-to-date schema (what a rerun skips now), the stored sessions read from the
 * price rows (before) and from {@code prices_daily_months}' days (now), and the checked sessions. Median of 5 in this
 * JVM (warm). One command:
 *
 * <pre>./mvnw -B -ntp -o -pl sink-postgres -am test -Dgroups=benchmark -DexcludedGroups=none -Dtest=RerunPlanningBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
@Tag("benchmark")
final class RerunPlanningBenchmark {
    @Test
    void rerunPlanningPieces() throws Exception {
        int symbols = Integer.getInteger("bench.symbols", 1000);
        int days = Integer.getInteger("bench.days", 1255);
        String schema = PostgresSinkTest.freshSchema();
        PostgresConfig config = PostgresSinkTest.config(schema, Map.of("PG_FEATURES", "false"));
        List<List<Bar>> data = PostgresLoadBenchmark.generate(symbols, days);
        List<Symbol> names = new ArrayList<>();
        try (PostgresSink sink = new PostgresSink(config)) {
            for (List<Bar> s : data) {
                names.add(s.getFirst().symbol());
                sink.writeBars(new BarBatch(s.getFirst().symbol(), Interval.D1, new DateRange(s.getFirst().date(), s.getLast().date()), s, WriteOptions.DEFAULT,
                        PostgresSinkTest.run("1")));
            }
            sink.flush();
        }
        DateRange range = new DateRange(LocalDate.of(2000, 1, 1), LocalDate.of(2030, 12, 31));
        PostgresAdmin admin = new PostgresAdmin(config);
        Map<Symbol, StoredSessions.Stored> fromRows = fromRows(admin, names, range);
        Map<Symbol, StoredSessions.Stored> fromSummary = admin.storedSessions(names, Interval.D1, range);
        if (!fromRows.equals(fromSummary)) {
            throw new AssertionError("the summary's sessions differ from the rows'");
        }
        long stored = fromRows.values().stream().mapToLong(s -> s.dates().size()).sum();
        System.out.printf("rerun planning, %d symbols, %d stored sessions (median of 5, ms):%n", symbols, stored);
        time("open the sink (check; Flyway skipped)", () -> {
            new PostgresSink(config).close();
            return null;
        });
        time("Flyway migrate, nothing pending (before)", admin::migrate);
        time("stored sessions from prices_daily (before)", () -> fromRows(admin, names, range));
        time("stored sessions from prices_daily_months (now)", () -> admin.storedSessions(names, Interval.D1, range));
        time("checked sessions", () -> admin.checkedSessions(names, Interval.D1, range));
    }

    /** The query the sink ran before V11, and its sets. */
    private static Map<Symbol, StoredSessions.Stored> fromRows(PostgresAdmin admin, List<Symbol> symbols, DateRange range) throws Exception {
        Map<Symbol, Set<LocalDate>> dates = new HashMap<>();
        symbols.forEach(s -> dates.put(s, new HashSet<>()));
        try (Connection c = admin.connect();
                PreparedStatement ps = c.prepareStatement("SELECT DISTINCT symbol, date FROM prices_daily WHERE symbol = ANY(?) AND date BETWEEN ? AND ?")) {
            ps.setArray(1, c.createArrayOf("text", symbols.stream().map(Symbol::value).toArray(String[]::new)));
            ps.setObject(2, range.from());
            ps.setObject(3, range.to());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dates.computeIfAbsent(new Symbol(rs.getString(1)), s -> new HashSet<>()).add(rs.getObject(2, LocalDate.class));
                }
            }
        }
        Map<Symbol, StoredSessions.Stored> out = new HashMap<>();
        dates.forEach((s, d) -> out.put(s, new StoredSessions.Stored(d)));
        return out;
    }

    private static void time(String what, Callable<?> step) throws Exception {
        long[] ms = new long[5];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            step.call();
            ms[i] = (System.nanoTime() - t) / 1_000_000;
        }
        Arrays.sort(ms);
        System.out.printf("  %-50s %6d  (min %d, max %d)%n", what, ms[2], ms[0], ms[4]);
    }
}
