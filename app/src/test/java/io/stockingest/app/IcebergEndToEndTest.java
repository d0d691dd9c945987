package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI with {@code --sink iceberg:DIR}, reached only through the plugin registry and capabilities: prices into
 * the tables, a rerun that commits nothing, {@code db migrate --dry-run}, {@code db info}, {@code runs},
 * {@code export} and {@code db maintain}. Four concurrent shard processes are {@code process.ShardsIT}.
 */
class IcebergEndToEndTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path work;

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
        List<String> lines = Files.readAllLines(work.resolve("export.csv"));
        assertThat(lines.getFirst()).isEqualTo("symbol,date,open,high,low,close,adj_close,volume,vwap,transactions,source,venue,ingest_ts");
        return lines.stream().skip(1).map(l -> l.substring(0, l.lastIndexOf(','))).sorted().toList();
    }

    @Test
    void pricesIntoIcebergRerunCommitsNothingAndTheOperatorCommandsWork() throws Exception {
        try (FixtureServer yahoo = new FixtureServer()) {
            yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, PricesCommandTest.fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
            Map<String, String> env = Map.of("YAHOO_BASE_URL", yahoo.baseUri().toString(), "YAHOO_RATE_LIMIT", "1000/sec");

            assertThat(run(env, "db", "migrate", "--dry-run", "--sink", "iceberg:ice")).as(out + "" + err).isZero();
            assertThat(out.toString()).contains("stock_ingest.prices_daily: would be created");
            assertThat(work.resolve("ice/warehouse/stock_ingest/prices_daily")).as("--dry-run created no table").doesNotExist();

            assertThat(run(env, "prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06", "--sink", "iceberg:ice", "--dry-run"))
                    .as(out + "" + err).isZero();
            assertThat(out.toString()).contains("would run:").contains("stage on branch wap-").contains("fast-forward main of stock_ingest.prices_daily");
            assertThat(yahoo.requests()).as("--dry-run fetches nothing").isEmpty();

            String[] load = {"prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06", "--sink", "iceberg:ice"};
            assertThat(run(env, load)).as(out + "" + err).isZero();
            assertThat(run(env, "db", "info", "--sink", "iceberg:ice")).as(err.toString()).isZero();
            String info = out.toString();
            assertThat(info).contains("stock_ingest.prices_daily: format v2, partitioned by [1000: date_month: month(2)]").contains("49 rows");
            String snapshot = info.lines().filter(l -> l.startsWith("stock_ingest.prices_daily")).findFirst().orElseThrow().replaceAll(".*snapshot (\\d+).*", "$1");

            int requests = yahoo.requests().size();
            assertThat(run(env, load)).as(out + "" + err).isZero();
            assertThat(yahoo.requests()).as("the rerun asked the tables which sessions they hold, and fetched none").hasSize(requests);
            assertThat(run(env, "db", "info", "--sink", "iceberg:ice")).isZero();
            assertThat(out.toString()).as("the identical rerun committed no snapshot to prices_daily").contains("snapshot " + snapshot + " (49 rows");

            assertThat(run(env, "runs", "--sink", "iceberg:ice")).as(err.toString()).isZero();
            List<String> runs = out.toString().lines().filter(l -> l.contains("succeeded")).toList();
            assertThat(runs).as(out.toString()).hasSize(2);
            String runId = runs.getFirst().split(" ")[0];
            assertThat(run(env, "runs", "--sink", "iceberg:ice", runId)).as(err.toString()).isZero();
            assertThat(out.toString()).contains("\"run_id\"").contains(runId);
            assertThat(run(env, "runs", "--sink", "iceberg:ice", "no-such-run")).isEqualTo(2);
            assertThat(err.toString()).contains("No run 'no-such-run' in iceberg:ice");

            assertThat(rows(env, "iceberg:ice")).hasSize(49).contains("AAPL,2020-11-06,118.31999969482422,119.19999694824219,116.12999725341797,"
                    + "118.69000244140625,115.93415069580078,114457900,,,yahoo,XNAS");
            assertThat(run(env, "export", "--sink", "iceberg:ice", "--table", "prices_daily", "--where", "symbol = 'AAPL'", "-o", "x.csv")).isEqualTo(2);
            assertThat(err.toString()).contains("writes a whole table as CSV");

            assertThat(run(env, "db", "maintain", "--sink", "iceberg:ice", "--retain-days", "0")).as(out + "" + err).isZero();
            assertThat(out.toString()).contains("prices_daily: 0 partitions compacted");
            assertThat(run(env, "db", "maintain", "--sink", "iceberg:ice", "--orphan-days", "0")).isEqualTo(2);
            assertThat(err.toString()).contains("the orphan age must be at least 1 hour");
            assertThat(rows(env, "iceberg:ice")).hasSize(49);

            assertThat(run(env, "db", "maintain", "--sink", "parquet:lake")).isEqualTo(2);
            assertThat(err.toString()).contains("db maintain works on a table-format sink (iceberg:DIR, iceberg); got 'parquet:lake'");
        }
    }
}
