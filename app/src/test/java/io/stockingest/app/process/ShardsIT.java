package io.stockingest.app.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.config.Settings;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.sink.iceberg.IcebergSinkFactory;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import io.stockingest.sink.s3.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/scaling.md's promise, on the fat jar: four {@code --shard K/4} processes started at once against one target
 * end with exactly what one unsharded run stores: the S3 lake, PostgreSQL, and Iceberg tables on the embedded SQLite
 * catalog (a new {@code iceberg:DIR} the four create together), all three written by the same processes. The Iceberg tables on a PostgreSQL catalog are the
 * same promise with a slower start; they run with {@code -Dshards.iceberg-postgres=true}.
 *
 * <p>Kept small (6 symbols over one month) so that the default verify stays short: the shards' races are on table
 * creation and commits, not on volume. The unsharded run (into another target) runs beside the four shards.
 */
class ShardsIT {
    private static final List<String> SYMBOLS = List.of("SA", "SB", "SC", "SD", "SE", "SF");
    /**
     * A hang guard, not a speed limit: five JVMs at once on two cores under a loaded build took over 3 min for one
     * shard (at load 25, with every shard finished fetching; the next run passed in 237 s). A hung child is diagnosed by
     * FatJar.waitFor's thread dump.
     */
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final int SESSIONS = 22; // NYSE sessions 2020-10-01..2020-10-30
    private static FixtureServer yahoo;

    @TempDir
    Path work;

    @BeforeAll
    static void startProvider() {
        yahoo = new FixtureServer();
        String body = fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json");
        SYMBOLS.forEach(s -> yahoo.on("/v8/finance/chart/" + s, Reply.json(200, body)));
    }

    @AfterAll
    static void stopProvider() {
        yahoo.close();
    }

    private static String fixture(String name) {
        try (InputStream in = ShardsIT.class.getResourceAsStream("/yahoo/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> env(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("YAHOO_BASE_URL", yahoo.baseUri().toString(), "YAHOO_RATE_LIMIT", "1000/sec",
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
        env.putAll(more);
        return env;
    }

    private static List<String> prices(List<String> sinks, String... more) {
        List<String> args = new ArrayList<>(List.of("prices", "--symbols", String.join(",", SYMBOLS), "--from", "2020-10-01", "--to", "2020-10-30"));
        sinks.forEach(sink -> args.addAll(List.of("--sink", sink)));
        args.addAll(List.of(more));
        return args;
    }

    /** Four shard processes at once, and beside them one unsharded run into other targets; each must exit 0. */
    private void fourShardsAndOneRun(Map<String, String> env, List<String> shardedSinks, List<String> singleSinks) throws InterruptedException {
        List<FatJar> runs = new ArrayList<>();
        try {
            for (int k = 0; k < 4; k++) {
                runs.add(FatJar.start(work.resolve("shard" + k), env, prices(shardedSinks, "--shard", k + "/4")));
            }
            runs.add(FatJar.start(work.resolve("single"), env, prices(singleSinks)));
            for (int k = 0; k < runs.size(); k++) {
                FatJar run = runs.get(k);
                assertThat(run.waitFor(TIMEOUT)).as("%s exit; it printed: %s%s", k < 4 ? "shard " + k + "/4" : "the unsharded run", run.out(), run.err())
                        .isZero();
            }
        } finally {
            runs.forEach(FatJar::close);
        }
    }

    /**
     * One set of processes for the three sinks: each shard writes the S3 lake, PostgreSQL and a new
     * {@code iceberg:DIR} at once ({@code --sink} is repeatable), so the default verify starts five JVMs, not fifteen.
     */
    @Test
    void fourShardsIntoAnS3LakePostgresAndNewIcebergTablesEqualOneRun() throws Exception {
        String bucket = "shards-" + ProcessHandle.current().pid();
        S3TestServer.admin().createBucket(r -> r.bucket(bucket));
        String shardedDb = PostgresTestServer.createDatabase();
        String singleDb = PostgresTestServer.createDatabase();
        fourShardsAndOneRun(env(S3TestServer.env(S3TestServer.endpoint())),
                List.of("s3://" + bucket + "/sharded", url(shardedDb), "iceberg:" + work.resolve("sharded")),
                List.of("s3://" + bucket + "/single", url(singleDb), "iceberg:" + work.resolve("single")));

        Map<String, List<Map<String, Object>>> lake = S3TestServer.parquetObjects(bucket, "single/raw");
        assertThat(lake).as("one daily file per symbol and session").hasSize(SYMBOLS.size() * SESSIONS);
        assertThat(S3TestServer.parquetObjects(bucket, "sharded/raw")).as("S3 lake: the shards' files equal one run's").isEqualTo(lake);

        List<String> table = pricesIn(singleDb);
        assertThat(table).hasSize(SYMBOLS.size() * SESSIONS);
        assertThat(pricesIn(shardedDb)).as("PostgreSQL: the shards' table equals one run's").isEqualTo(table);

        List<String> iceberg = icebergPrices("iceberg:" + work.resolve("single"), Settings.of(Map.of()));
        assertThat(iceberg).hasSize(SYMBOLS.size() * SESSIONS);
        assertThat(icebergPrices("iceberg:" + work.resolve("sharded"), Settings.of(Map.of()))).as("Iceberg (SQLite catalog): the shards' table equals one run's")
                .isEqualTo(iceberg);
        for (String features : List.of("price_features", "price_cumulative_7d")) {
            // each shard computes its symbols' rows (ahead, at its spill, if prices_daily was still empty then)
            List<String> expected = icebergRows("iceberg:" + work.resolve("single"), Settings.of(Map.of()), features);
            assertThat(expected).hasSize(SYMBOLS.size() * SESSIONS);
            assertThat(icebergRows("iceberg:" + work.resolve("sharded"), Settings.of(Map.of()), features))
                    .as("Iceberg (SQLite catalog): the shards' %s equals one run's", features).isEqualTo(expected);
        }
    }

    private static String url(String database) {
        return "postgresql://postgres:shards-pass@127.0.0.1:" + PostgresTestServer.port() + "/" + database;
    }

    private static List<String> pricesIn(String database) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(PostgresTestServer.jdbcUrl(database)); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT symbol, date, open, high, low, close, adj_close, volume, source FROM stock_ingest.prices_daily ORDER BY 1, 2")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getDate(2) + " " + rs.getDouble(3) + " " + rs.getDouble(4) + " " + rs.getDouble(5) + " "
                        + rs.getDouble(6) + " " + rs.getDouble(7) + " " + rs.getLong(8) + " " + rs.getString(9));
            }
        }
        return rows;
    }


    @Test
    void fourShardsOnAnIcebergPostgresCatalogEqualOneRun() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("shards.iceberg-postgres"), "run with -Dshards.iceberg-postgres=true");
        String catalog = PostgresTestServer.createDatabase();
        Map<String, String> settings = Map.of("ICEBERG_CATALOG_URI", "jdbc:postgresql://127.0.0.1:" + PostgresTestServer.port() + "/" + catalog,
                "ICEBERG_CATALOG_USER", "postgres", "ICEBERG_CATALOG_PASSWORD", "shards-pass", "ICEBERG_WAREHOUSE", work.resolve("pg-warehouse").toString());
        fourShardsAndOneRun(env(settings), List.of("iceberg"), List.of("iceberg:" + work.resolve("single")));
        List<String> expected = icebergPrices("iceberg:" + work.resolve("single"), Settings.of(Map.of()));
        assertThat(expected).hasSize(SYMBOLS.size() * SESSIONS);
        assertThat(icebergPrices("iceberg", Settings.of(settings))).as("the shards' table equals one run's").isEqualTo(expected);
    }

    /** prices_daily through the plugin's export, without ingest_ts (the last column), sorted. */
    private List<String> icebergPrices(String uri, Settings settings) throws IOException {
        return icebergRows(uri, settings, "prices_daily");
    }

    /** A table through the plugin's export, without ingest_ts (the last column), sorted. */
    private List<String> icebergRows(String uri, Settings settings, String table) throws IOException {
        Path csv = Files.createTempFile(work, table, ".csv");
        new IcebergSinkFactory().export(uri, settings, table, "csv", null, csv);
        return Files.readAllLines(csv).stream().skip(1).map(l -> l.substring(0, l.lastIndexOf(','))).sorted().toList();
    }
}
