package io.stockingest.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Quote;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.WriteResult;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code watch} on PostgreSQL: quotes upserted into {@code quotes}, and one instance per schema by an advisory lock. */
class PostgresWatchTest {
    private static final Instant SINCE = Instant.parse("2024-09-30T13:30:00Z");

    private static PostgresSink sink(String schema) {
        return new PostgresSink(PostgresConfig.from(PostgresTestServer.jdbcUrl(), Settings.of(Map.of("PG_SCHEMA", schema))));
    }

    private static String rows(String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(PostgresTestServer.jdbcUrl()); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT symbol, ts, price, bid, ask, volume, day_open, day_high, day_low, previous_close, market_state,"
                        + " source, ingest_ts FROM " + schema + ".quotes ORDER BY symbol, ts")) {
            StringBuilder out = new StringBuilder();
            while (rs.next()) {
                for (int i = 1; i <= 13; i++) {
                    out.append(i > 1 ? "|" : "").append(i == 2 || i == 13 ? rs.getTimestamp(i).toInstant() : rs.getString(i));
                }
                out.append('\n');
            }
            return out.toString();
        }
    }

    private static RunContext run(String at) {
        return new RunContext("1727703000-ab12", "watch", "polygon", Instant.parse(at), Instant.parse(at));
    }

    private static Quote quote(String symbol, String time, double price, Double bid, Double ask) {
        return new Quote(Symbol.parse(symbol), Instant.parse(time), price, bid, ask, 1_000L, 100.0, 101.5, 99.25, 99.5,
                null, "polygon");
    }

    @Test
    void quotesAreUpsertedByKeyAndARepeatedFlushChangesNothing() throws Exception {
        String schema = PostgresTestServer.freshSchema();
        try (PostgresSink sink = sink(schema)) {
            WriteResult first = sink.writeQuotes(List.of(quote("AAPL", "2024-09-30T14:00:00Z", 227.5, 227.49, 227.51), quote("AAPL", "2024-09-30T14:01:00Z", 227.6, null, null),
                    quote("AAPL", "2024-09-30T14:01:00Z", 227.61, null, null), quote("BRK.B", "2024-09-30T14:00:00Z", 455.0, 454.9, 454.92)), run("2024-09-30T14:05:00Z"));

            assertThat(first.rowsWritten()).as("the later of two quotes with one key wins").isEqualTo(3);
            assertThat(rows(schema)).isEqualTo("""
                    AAPL|2024-09-30T14:00:00Z|227.5|227.49|227.51|1000|100|101.5|99.25|99.5|null|polygon|2024-09-30T14:05:00Z
                    AAPL|2024-09-30T14:01:00Z|227.61|null|null|1000|100|101.5|99.25|99.5|null|polygon|2024-09-30T14:05:00Z
                    BRK.B|2024-09-30T14:00:00Z|455|454.9|454.92|1000|100|101.5|99.25|99.5|null|polygon|2024-09-30T14:05:00Z
                    """);

            WriteResult again = sink.writeQuotes(List.of(quote("AAPL", "2024-09-30T14:00:00Z", 227.5, 227.49, 227.51)), run("2024-09-30T14:10:00Z"));
            assertThat(again.rowsWritten()).isZero();
            WriteResult corrected = sink.writeQuotes(List.of(quote("BRK.B", "2024-09-30T14:00:00Z", 455.25, 454.9, 454.92)), run("2024-09-30T14:10:00Z"));
            assertThat(corrected.rowsWritten()).isEqualTo(1);
            assertThat(rows(schema)).contains("AAPL|2024-09-30T14:00:00Z|227.5|227.49|227.51|1000|100|101.5|99.25|99.5|null|polygon|2024-09-30T14:05:00Z")
                    .contains("BRK.B|2024-09-30T14:00:00Z|455.25|454.9|454.92|1000|100|101.5|99.25|99.5|null|polygon|2024-09-30T14:10:00Z");
        }
    }

    @Test
    void aSecondInstanceOnTheSameSchemaIsRefusedWithTheHolderAndOtherSchemasAreFree() {
        String schema = PostgresTestServer.freshSchema();
        try (PostgresSink first = sink(schema); PostgresSink second = sink(schema); PostgresSink other = sink(PostgresTestServer.freshSchema());
                Sink.InstanceLock lock = first.lockInstance("watch", SINCE).orElseThrow()) {
            assertThat(lock.holder()).isEqualTo("pid " + ProcessHandle.current().pid() + ", since 2024-09-30T13:30:00Z");
            assertThatThrownBy(() -> second.lockInstance("watch", SINCE.plusSeconds(600)))
                    .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USAGE))
                    .hasMessageStartingWith("watch is already running (pid " + ProcessHandle.current().pid() + ", since 2024-09-30T13:30:00Z; database session ")
                    .hasMessageEndingWith(") on " + second.name() + "; stop it first");
            try (Sink.InstanceLock elsewhere = other.lockInstance("watch", SINCE).orElseThrow()) {
                assertThat(elsewhere.holder()).isNotBlank();
            }
            lock.close();
            try (Sink.InstanceLock after = second.lockInstance("watch", SINCE.plusSeconds(900)).orElseThrow()) {
                assertThat(after.holder()).endsWith("since 2024-09-30T13:45:00Z");
            }
        }
    }

    @Test
    void aKilledHolderProcessDoesNotBlock() throws Exception {
        String schema = PostgresTestServer.freshSchema();
        sink(schema).close();
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBinary, "-cp", System.getProperty("java.class.path"), HoldLock.class.getName(),
                PostgresTestServer.jdbcUrl(), schema).redirectErrorStream(true).start();
        try (PostgresSink sink = sink(schema)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).as("the child took the lock").isEqualTo("locked");
            assertThatThrownBy(() -> sink.lockInstance("watch", SINCE)).hasMessageStartingWith("watch is already running (pid " + child.pid()
                    + ", since 2024-09-30T13:00:00Z; database session ");

            child.destroyForcibly();
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();

            // the server ends the dead client's session, and with it the lock, when it sees the socket closed: wait for
            // that with a blocking pg_advisory_lock (bounded by statement_timeout), then take the watch lock
            try (Connection c = DriverManager.getConnection(PostgresTestServer.jdbcUrl()); Statement st = c.createStatement()) {
                st.execute("SET statement_timeout = '10s'");
                int key = PostgresInstanceLock.positive(schema + "/watch");
                st.execute("SELECT pg_advisory_lock(" + PostgresInstanceLock.NAMESPACE + ", " + key + ")");
                st.execute("SELECT pg_advisory_unlock(" + PostgresInstanceLock.NAMESPACE + ", " + key + ")");
            }
            try (Sink.InstanceLock lock = sink.lockInstance("watch", SINCE).orElseThrow()) {
                assertThat(lock.holder()).startsWith("pid " + ProcessHandle.current().pid());
            }
        } finally {
            child.destroyForcibly();
        }
    }

    /** A child process that takes the watch lock on a schema, says so, and waits to be killed. */
    public static final class HoldLock {
        public static void main(String[] args) throws Exception {
            PostgresConfig config = PostgresConfig.from(args[0], Settings.of(Map.of("PG_SCHEMA", args[1], "PG_MIGRATE", "false")));
            PostgresInstanceLock.acquire(new PostgresAdmin(config), "watch", Instant.parse("2024-09-30T13:00:00Z"));
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(2));
        }
    }
}
