package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI with {@code --sink iceberg:DIR}: prices into the tables, a rerun that commits nothing, db info, runs,
 * export, db maintain; and four {@code --shard K/4} processes at once against the SQLite and the PostgreSQL catalog,
 * each ending equal to one unsharded run.
 */
class IcebergEndToEndTest {
    private static final List<String> SYMBOLS = List.of("SA", "SB", "SC", "SD", "SE", "SF", "SG", "SH");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
    }

    private static FixtureServer yahoo() {
        FixtureServer yahoo = new FixtureServer();
        String body = PricesCommandTest.fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json");
        yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, body));
        SYMBOLS.forEach(s -> yahoo.on("/v8/finance/chart/" + s, Reply.json(200, body)));
        return yahoo;
    }

    private static Map<String, String> env(FixtureServer yahoo) {
        return Map.of("YAHOO_BASE_URL", yahoo.baseUri().toString(), "YAHOO_RATE_LIMIT", "1000/sec");
    }

    private int run(Map<String, String> variables, String... args) {
        out.reset();
        err.reset();
        Environment env = new Environment(variables, work, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new FakeTicker(Instant.parse("2024-10-01T02:00:00Z")), false);
        return Main.run(env, args);
    }

    /** prices_daily exported as CSV lines without ingest_ts (the last column), sorted. */
    private List<String> rows(Map<String, String> variables, String sink) throws IOException {
        assertThat(run(variables, "export", "--sink", sink, "--table", "prices_daily", "-o", "export.csv")).as(out + "" + err).isZero();
        List<String> lines = new ArrayList<>(Files.readAllLines(work.resolve("export.csv")));
        assertThat(lines.getFirst()).isEqualTo("symbol,date,open,high,low,close,adj_close,volume,vwap,transactions,source,ingest_ts");
        return lines.stream().skip(1).map(l -> l.substring(0, l.lastIndexOf(','))).sorted().toList();
    }

    @Test
    void pricesIntoIcebergRerunCommitsNothingAndTheOperatorCommandsWork() throws Exception {
        try (FixtureServer yahoo = yahoo()) {
            Map<String, String> env = env(yahoo);
            String[] load = {"prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06", "--sink", "iceberg:ice"};
            assertThat(run(env, load)).as(out + "" + err).isZero();
            assertThat(out.toString()).contains("rows      49 written");
            assertThat(run(env, "db", "info", "--sink", "iceberg:ice")).as(err.toString()).isZero();
            String info = out.toString();
            assertThat(info).contains("stock_ingest.prices_daily: format v2, partitioned by [1000: date_month: month(2)]").contains("49 rows");
            String snapshot = info.lines().filter(l -> l.startsWith("stock_ingest.prices_daily")).findFirst().orElseThrow().replaceAll(".*snapshot (\\d+).*", "$1");

            assertThat(run(env, load)).as(out + "" + err).isZero();
            assertThat(run(env, "db", "info", "--sink", "iceberg:ice")).isZero();
            assertThat(out.toString()).as("the identical rerun committed no snapshot to prices_daily").contains("snapshot " + snapshot + " (49 rows");

            assertThat(run(env, "runs", "--sink", "iceberg:ice")).as(err.toString()).isZero();
            assertThat(out.toString().lines().filter(l -> l.contains("succeeded")).count()).as(out.toString()).isEqualTo(2);

            assertThat(rows(env, "iceberg:ice")).hasSize(49).contains("AAPL,2020-11-06,118.31999969482422,119.19999694824219,116.12999725341797,"
                    + "118.69000244140625,115.93415069580078,114457900,,,yahoo");

            assertThat(run(env, "db", "maintain", "--sink", "iceberg:ice", "--retain-days", "0")).as(out + "" + err).isZero();
            assertThat(out.toString()).contains("prices_daily: 0 partitions compacted");
            assertThat(run(env, "db", "maintain", "--sink", "iceberg:ice", "--orphan-days", "0")).isEqualTo(2);
            assertThat(rows(env, "iceberg:ice")).hasSize(49);
        }
    }

    private Process child(Map<String, String> env, List<String> args, String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx256m", "-XX:ActiveProcessorCount=2",
                "-cp", System.getProperty("java.class.path"), "io.stockingest.app.Main"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.redirectOutput(work.resolve(name + "-out.txt").toFile()).redirectError(work.resolve(name + "-err.txt").toFile());
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private void fourShardsEqualOneRun(Map<String, String> sharded, String shardedSink, Map<String, String> single, String singleSink) throws Exception {
        try (FixtureServer yahoo = yahoo()) {
            List<String> args = List.of("prices", "--symbols", String.join(",", SYMBOLS), "--from", "2020-09-01", "--to", "2020-10-30");
            Map<String, String> shardEnv = new HashMap<>(env(yahoo));
            shardEnv.putAll(sharded);
            List<Process> shards = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                List<String> shardArgs = new ArrayList<>(args);
                shardArgs.addAll(List.of("--sink", shardedSink, "--shard", k + "/4"));
                shards.add(child(shardEnv, shardArgs, "shard" + k));
            }
            for (int k = 0; k < 4; k++) {
                assertThat(shards.get(k).waitFor(300, TimeUnit.SECONDS)).as("shard %d finished", k).isTrue();
                assertThat(shards.get(k).exitValue()).as("shard %d: %s", k, Files.readString(work.resolve("shard" + k + "-err.txt"))
                        + Files.readString(work.resolve("shard" + k + "-out.txt"))).isZero();
            }
            Map<String, String> singleEnv = new HashMap<>(env(yahoo));
            singleEnv.putAll(single);
            List<String> one = new ArrayList<>(args);
            one.addAll(List.of("--sink", singleSink));
            assertThat(run(singleEnv, one.toArray(String[]::new))).as(out + "" + err).isZero();
            List<String> expected = rows(singleEnv, singleSink);
            assertThat(expected).hasSize(8 * 43);
            assertThat(rows(shardEnv, shardedSink)).as("four concurrent shards equal one unsharded run").isEqualTo(expected);
        }
    }

    @Test
    void fourConcurrentShardProcessesOnTheSqliteCatalogEqualOneRun() throws Exception {
        fourShardsEqualOneRun(Map.of(), "iceberg:sharded", Map.of(), "iceberg:single");
    }

    @Test
    void fourConcurrentShardProcessesOnAPostgresCatalogEqualOneRun() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            Map<String, String> catalog = Map.of("ICEBERG_CATALOG_URI", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres",
                    "ICEBERG_CATALOG_USER", "postgres", "ICEBERG_CATALOG_PASSWORD", "postgres",
                    "ICEBERG_WAREHOUSE", work.resolve("pg-warehouse").toString());
            fourShardsEqualOneRun(catalog, "iceberg", Map.of(), "iceberg:single");
        }
    }
}
