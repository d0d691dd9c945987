package io.stockingest.sink.postgres;

import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.WriteOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Not a unit test (tagged {@code benchmark}, excluded from the normal build): {@code 1,000 symbols x 1,250 sessions}
 * loaded by {@link PostgresSink} fresh and again (rerun), with and without the feature refresh, then one appended
 * session for every symbol (a daily {@code --since-last} run), side by side with a plain
 * {@code COPY ... FROM STDIN (FORMAT csv)} of the same rows into a table with the same primary key. Prints the time
 * of each load phase. One command (after {@code ./mvnw -q -o -pl sink-postgres -am install -DskipTests}):
 *
 * <pre>./mvnw -q -o -pl sink-postgres test -Dgroups=benchmark -DexcludedGroups=none -Dtest=PostgresLoadBenchmark [-Dbench.symbols=1000 -Dbench.days=1250]</pre>
 *
 * or {@link #main} with arguments [symbols] [days].
 */
@Tag("benchmark")
public final class PostgresLoadBenchmark {
    @Test
    void loadsSideBySideWithPlainCopy() throws Exception {
        main(new String[] {System.getProperty("bench.symbols", "1000"), System.getProperty("bench.days", "1250")});
    }

    public static void main(String[] args) throws Exception {
        int symbols = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 1250;
        System.out.println("load average at start: " + Files.readString(Path.of("/proc/loadavg")).strip());
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            RunContext ctx1 = new RunContext("1", "prices", "bench", Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-01T00:00:00Z"));
            RunContext ctx2 = new RunContext("2", "prices", "bench", Instant.parse("2024-01-02T00:00:00Z"), Instant.parse("2024-01-02T00:00:00Z"));
            List<List<Bar>> all = generate(symbols, days + 1);
            List<List<Bar>> data = all.stream().map(s -> s.subList(0, days)).toList();
            List<List<Bar>> nextDay = all.stream().map(s -> s.subList(days, days + 1)).toList();
            long rows = (long) symbols * days;

            // baseline: plain COPY of the same rows as CSV into a table with the same primary key
            StringBuilder csv = new StringBuilder();
            for (List<Bar> s : data) {
                for (Bar b : s) {
                    csv.append(b.symbol().value()).append(',').append(b.date()).append(',').append(b.open()).append(',').append(b.high()).append(',')
                            .append(b.low()).append(',').append(b.close()).append(',').append(b.adjClose()).append(',').append(b.volume()).append(",,,bench,")
                            .append(ctx1.ingestTs()).append('\n');
                }
            }
            byte[] csvBytes = csv.toString().getBytes(StandardCharsets.UTF_8);
            csv = null;
            System.out.printf("rows: %,d (%d symbols x %d sessions); each sink load follows its own plain COPY (the machine's load varies)%n", rows, symbols, days);

            for (boolean features : new boolean[] {false, true}) {
                String schema = features ? "bench_features" : "bench_plain";
                PostgresConfig config = PostgresConfig.from(url, Settings.of(Map.of("PG_SCHEMA", schema, "PG_FEATURES", Boolean.toString(features))));
                new PostgresAdmin(config).migrate();
                report("fresh load", features, plainCopy(url, csvBytes), timeLoad(config, data, ctx1), rows);
                report("rerun, no change", features, plainCopy(url, csvBytes), timeLoad(config, data, ctx2), rows);
                report("one more session per symbol", features, 0, timeLoad(config, nextDay, ctx2), symbols);
            }
        }
        System.out.println("load average at end: " + Files.readString(Path.of("/proc/loadavg")).strip());
    }

    /** Seconds for a plain COPY of the CSV into a new table with the same primary key (dropped afterwards). */
    private static double plainCopy(String url, byte[] csvBytes) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE plain_copy (symbol text NOT NULL, date date NOT NULL, open float8 NOT NULL, high float8 NOT NULL, low float8 NOT NULL,"
                    + " close float8 NOT NULL, adj_close float8, volume bigint NOT NULL, vwap float8, transactions bigint, source text NOT NULL,"
                    + " ingest_ts timestamptz NOT NULL, PRIMARY KEY (symbol, date))");
            st.execute("CHECKPOINT");
            long t0 = System.nanoTime();
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY plain_copy FROM STDIN WITH (FORMAT csv)", new ByteArrayInputStream(csvBytes));
            double seconds = (System.nanoTime() - t0) / 1e9;
            st.execute("DROP TABLE plain_copy");
            st.execute("CHECKPOINT");
            return seconds;
        }
    }

    private static void report(String what, boolean features, double copySeconds, Timed t, long rows) throws Exception {
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        if (copySeconds > 0) {
            System.out.printf("plain COPY csv into PK table:                            %6.2f s%n", copySeconds);
        }
        System.out.printf("sink %-28s (features %-5s): %6.2f s  (%s%,.0f rows/s, load %s)%n", what, features, t.seconds,
                copySeconds > 0 ? String.format("%.2fx COPY, ", t.seconds / copySeconds) : "", rows / t.seconds, load);
        StringBuilder phases = new StringBuilder();
        t.phases.forEach((phase, nanos) -> phases.append(String.format("%s %.2f s, ", phase, nanos / 1e9)));
        System.out.println("    phases: " + phases);
    }

    private record Timed(double seconds, Map<String, Long> phases) {}

    private static Timed timeLoad(PostgresConfig config, List<List<Bar>> data, RunContext ctx) {
        long t0 = System.nanoTime();
        try (PostgresSink sink = new PostgresSink(config)) {
            for (List<Bar> s : data) {
                sink.writeBars(new BarBatch(s.getFirst().symbol(), Interval.D1, new DateRange(s.getFirst().date(), s.getLast().date()), s, WriteOptions.DEFAULT, ctx));
            }
            sink.flush();
            return new Timed((System.nanoTime() - t0) / 1e9, sink.phaseNanos());
        }
    }

    static List<List<Bar>> generate(int symbols, int days) {
        Random random = new Random(42);
        List<LocalDate> sessions = new ArrayList<>();
        LocalDate d = LocalDate.of(2019, 1, 2);
        while (sessions.size() < days) {
            if (d.getDayOfWeek().getValue() <= 5) {
                sessions.add(d);
            }
            d = d.plusDays(1);
        }
        List<List<Bar>> out = new ArrayList<>();
        for (int s = 0; s < symbols; s++) {
            Symbol symbol = new Symbol(String.format("S%04d", s));
            double price = 20 + random.nextInt(400);
            List<Bar> bars = new ArrayList<>(days);
            for (LocalDate day : sessions) {
                double open = Math.round(price * 100) / 100.0;
                double close = Math.round(price * (1 + random.nextGaussian() * 0.02) * 100) / 100.0;
                double high = Math.max(open, close) + 0.5;
                double low = Math.max(0.01, Math.min(open, close) - 0.5);
                bars.add(new Bar(symbol, Interval.D1, day.atStartOfDay().toInstant(ZoneOffset.UTC), day, open, high, low, close, close,
                        100_000 + random.nextInt(1_000_000), null, null, "bench", Adjustment.NONE));
                price = Math.max(1, close);
            }
            out.add(bars);
        }
        return out;
    }

    private PostgresLoadBenchmark() {}
}
