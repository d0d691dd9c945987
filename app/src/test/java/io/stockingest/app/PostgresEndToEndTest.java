package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a real PostgreSQL: db migrate, prices into the database and the lake at once, rerun, export. */
class PostgresEndToEndTest {
    private static final String DB = PostgresTestServer.createDatabase();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path work;

    private int run(FixtureServer yahoo, String... args) {
        return runAt(Instant.parse("2024-10-01T02:00:00Z"), yahoo, args);
    }

    private int runAt(Instant now, FixtureServer yahoo, String... args) {
        out.reset();
        err.reset();
        String url = "postgresql://postgres:pg-secret-pass-9@127.0.0.1:" + PostgresTestServer.port() + "/" + DB;
        Environment env = new Environment(Map.of("DATABASE_URL", url, "YAHOO_BASE_URL", yahoo.baseUri().toString(), "YAHOO_RATE_LIMIT", "100/sec"),
                work, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new FakeTicker(now), false);
        return Main.run(env, args);
    }

    @Test
    void migratesLoadsRerunsWithoutChangeAndExports() throws Exception {
        try (FixtureServer yahoo = new FixtureServer()) {
            yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, PricesCommandTest.fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
            assertThat(run(yahoo, "db", "migrate", "--pg-schema", "e2e")).as(err.toString()).isZero();
            assertThat(run(yahoo, "db", "info", "--pg-schema", "e2e")).isZero();
            assertThat(out.toString()).contains("features").contains("Success");

            String[] load = {"prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06", "--sink", "postgres", "--sink", "parquet:lake",
                "--pg-schema", "e2e"};
            assertThat(run(yahoo, load)).as(out + "" + err).isZero();
            assertThat(out.toString()).as("two sinks: each its own line, a database in rows")
                    .containsPattern("sink      postgres[^\\n]*: 49 rows written\\n").containsPattern("sink      parquet:[^\\n]*: 49 files written, 0 skipped, 49 rows written")
                    .doesNotContain("98 rows");
            assertThat(run(yahoo, load)).isZero();

            assertThat(run(yahoo, "export", "--table", "prices_daily", "--format", "csv", "--where", "date = '2020-11-06'", "-o", "out.csv",
                    "--pg-schema", "e2e")).as(err.toString()).isZero();
            String csv = Files.readString(work.resolve("out.csv"));
            assertThat(csv.lines().toList()).hasSize(2);
            assertThat(csv).contains("AAPL,2020-11-06,118.31999969482422,119.19999694824219,116.12999725341797,118.69000244140625");

            assertThat(run(yahoo, "export", "--table", "prices_daily", "--where", "1=1; DELETE FROM e2e.prices_daily", "-o", "x.csv",
                    "--pg-schema", "e2e")).isEqualTo(2);
            assertThat(out.toString() + err).doesNotContain("pg-secret-pass-9");
        }
    }
    @Test
    void sinceLastStartsEachSymbolAfterItsLastStoredSessionAndAnUpToDateSymbolFetchesNothing() throws Exception {
        try (FixtureServer yahoo = new FixtureServer()) {
            yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, PricesCommandTest.fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
            String[] first = {"prices", "--symbols", "AAPL", "--since-last", "--from", "2020-08-31", "--to", "2020-10-30", "--sink", "postgres",
                "--pg-schema", "since"};
            assertThat(run(yahoo, first)).as(out + "" + err).isZero();
            assertThat(out.toString()).as("nothing stored yet: --from").contains("rows      44 written");
            assertThat(FixtureServer.query(yahoo.requests().getLast())).containsEntry("period1", "1598745600"); // 2020-08-30 (a day of margin)

            String[] next = {"prices", "--symbols", "AAPL", "--since-last", "--to", "2020-11-06", "--sink", "postgres", "--pg-schema", "since"};
            assertThat(run(yahoo, next)).as(out + "" + err).isZero();
            assertThat(FixtureServer.query(yahoo.requests().getLast())).as("from Monday 2020-11-02, the session after Friday 2020-10-30")
                    .containsEntry("period1", "1604188800");
            assertThat(out.toString()).contains("rows      5 written").as("the header shows the range fetched").contains("1d 2020-11-02..2020-11-06");
            assertThat(err.toString()).as("the since-last line").contains("since last: up to 2020-11-06; from 2020-11-02: AAPL");
            try (Connection c = DriverManager.getConnection(PostgresTestServer.jdbcUrl(DB)); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*), min(date), max(date), count(DISTINCT date) FROM since.prices_daily WHERE symbol = 'AAPL'")) {
                rs.next();
                assertThat(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4)).isEqualTo("49 2020-08-31 2020-11-06 49");
            }

            int requests = yahoo.requests().size();
            assertThat(run(yahoo, next)).as(out + "" + err).isZero();
            assertThat(yahoo.requests()).as("up to date: no request").hasSize(requests);
            assertThat(out.toString()).contains("1 succeeded, 0 failed (1 already up to date, nothing fetched)").contains("rows      0 written");
            assertThat(err.toString()).contains("since last: up to 2020-11-06; already up to date: AAPL");
            assertThat(run(yahoo, "prices", "--symbols", "AAPL,MSFT", "--since-last", "--to", "2020-11-06", "--sink", "postgres", "--pg-schema", "since",
                    "--dry-run")).isZero();
            assertThat(out.toString()).contains("requests: 1, provider calls: 1")
                    .contains("since last: 0 symbols start after their last stored date, 1 already up to date")
                    .contains("fetch MSFT 1d 2020-11-06");

            assertThat(run(yahoo, "prices", "--symbols", "AAPL", "--since-last", "--sink", "parquet:lake")).isEqualTo(2);
            assertThat(err.toString() + out).contains("--since-last reads each symbol's last stored date from a PostgreSQL sink");
            assertThat(yahoo.requests()).hasSize(requests);
        }
    }

    @Test
    void intradaySinceLastRestartsOnTheLastStoredDateAndTheRefetchChangesNothing() throws Exception {
        Instant evening = Instant.parse("2021-11-23T02:00:00Z"); // Yahoo serves 30m bars for the last 60 days only
        try (FixtureServer yahoo = new FixtureServer()) {
            yahoo.on("/v8/finance/chart/TSLA", Reply.json(200, PricesCommandTest.fixture("chart_TSLA_30m_2021-11-22_includePrePost_true.json")));
            String[] first = {"prices", "--symbols", "TSLA", "--interval", "30m", "--since-last", "--from", "2021-11-22", "--to", "2021-11-22",
                "--sink", "postgres", "--pg-schema", "intraday"};
            assertThat(runAt(evening, yahoo, first)).as(out + "" + err).isZero();
            String stored = "SELECT count(*), min(ts) AT TIME ZONE 'UTC', max(ts) AT TIME ZONE 'UTC', min(date), max(date), min(xmin::text::bigint), max(xmin::text::bigint)"
                    + " FROM intraday.prices_intraday WHERE symbol = 'TSLA' AND interval = '30m'";
            String firstRows = query(stored);
            assertThat(firstRows).as("regular hours: 09:30 to 15:30 New York, 13 bars")
                    .startsWith("13 2021-11-22 14:30:00 2021-11-22 20:30:00 2021-11-22 2021-11-22 ");

            int requests = yahoo.requests().size();
            String[] next = {"prices", "--symbols", "TSLA", "--interval", "30m", "--since-last", "--to", "2021-11-22", "--sink", "postgres",
                "--pg-schema", "intraday"};
            assertThat(runAt(evening, yahoo, next)).as(out + "" + err).isZero();
            assertThat(yahoo.requests()).as("intraday: the last stored date may be incomplete, so it is fetched again").hasSize(requests + 1);
            assertThat(FixtureServer.query(yahoo.requests().getLast())).as("from 2021-11-22 (a day of margin)").containsEntry("period1", "1637452800");
            assertThat(out.toString()).as("the report counts the rows handed to the sink").contains("rows      13 written");
            assertThat(query(stored)).as("no row rewritten (same xmin)").isEqualTo(firstRows);
        }
    }

    @Test
    void migrateDryRunListsThePendingMigrationsAndAppliesNothing() throws Exception {
        try (FixtureServer yahoo = new FixtureServer()) {
            assertThat(run(yahoo, "db", "migrate", "--dry-run", "--sink", "postgres", "--pg-schema", "dry")).as(err.toString()).isZero();
            assertThat(out.toString()).contains("Schema dry on ").contains("at version none").contains("pending migration(s); dry run, nothing applied")
                    .contains("would apply V1 prices").contains("would apply V7 venue").contains("would apply V8 checked sessions").contains("would apply V9 ").contains("would apply V10 prices daily months");
            assertThat(query("SELECT count(*) FROM pg_namespace WHERE nspname = 'dry'")).as("the dry run created no schema").isEqualTo("0");

            assertThat(run(yahoo, "db", "migrate", "--pg-schema", "dry")).as(err.toString()).isZero();
            assertThat(run(yahoo, "db", "migrate", "--dry-run", "--pg-schema", "dry")).as(err.toString()).isZero();
            assertThat(out.toString()).contains("at version 11, 0 pending migration(s)").doesNotContain("would apply");
        }
    }

    private static String query(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(PostgresTestServer.jdbcUrl(DB)); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.append(i > 1 ? " " : "").append(rs.getString(i));
            }
            return row.toString();
        }
    }
}
