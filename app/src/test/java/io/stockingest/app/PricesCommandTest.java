package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.lake.ParquetFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code prices} command end to end: local HTTP server replaying Yahoo → pipeline → local Parquet lake; and
 * {@code coverage} of such a lake given known gaps.
 */
class PricesCommandTest {
    private final FixtureServer yahoo = new FixtureServer();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        yahoo.close();
    }

    static String fixture(String name) {
        try (InputStream in = PricesCommandTest.class.getResourceAsStream("/yahoo/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int run(Map<String, String> extraEnv, String... args) {
        out.reset();
        err.reset();
        Map<String, String> env = new HashMap<>(Map.of("YAHOO_BASE_URL", yahoo.baseUri().toString(), "YAHOO_RATE_LIMIT", "100/sec"));
        env.putAll(extraEnv);
        Environment environment = new Environment(env, work, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new FakeTicker(Instant.parse("2024-10-01T02:00:00Z")), false);
        return Main.run(environment, args);
    }

    private int run(String... args) {
        return run(Map.of(), args);
    }

    private List<String> lakeFiles() throws IOException {
        Path lake = work.resolve("data");
        if (!Files.exists(lake)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(lake)) {
            return walk.filter(Files::isRegularFile).map(p -> lake.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void writesACorrectLakeThenSkipsThenRewritesWithForce() throws IOException {
        yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
        String[] args = {"prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06", "--metrics-out", "metrics.json"};

        assertThat(run(args)).as(err.toString()).isZero();
        List<String> files = lakeFiles();
        List<String> prices = files.stream().filter(f -> f.startsWith("raw/prices/")).toList();
        assertThat(prices).hasSize(49)
                .contains("raw/prices/symbol=AAPL/year=2020/month=08/AAPL-2020-08-31.parquet",
                        "raw/prices/symbol=AAPL/year=2020/month=11/AAPL-2020-11-06.parquet");
        assertThat(files).anyMatch(f -> f.matches("logs/ingest/date=2024-10-01/run-\\d+-[0-9a-f]{4}\\.json"));
        Map<String, Object> row = ParquetFiles.readRows(Files.readAllBytes(work.resolve("data/raw/prices/symbol=AAPL/year=2020/month=08/AAPL-2020-08-31.parquet"))).getFirst();
        assertThat(row).containsEntry("symbol", "AAPL").containsEntry("date", LocalDate.of(2020, 8, 31))
                .containsEntry("open", 127.58000183105469).containsEntry("high", 131.0).containsEntry("low", 126.0)
                .containsEntry("close", 129.0399932861328).containsEntry("adj_close", 125.82673645019531)
                .containsEntry("volume", 225702700L).containsEntry("vwap", null).containsEntry("source", "yahoo");
        RunReport metrics = RunReport.fromJson(Files.readString(work.resolve("metrics.json")));
        assertThat(metrics.filesWritten()).isEqualTo(49);
        assertThat(metrics.rowsWritten()).isEqualTo(49);
        assertThat(metrics.requests()).isEqualTo(1);
        assertThat(out.toString()).contains("symbols   1 requested, 1 succeeded, 0 failed").contains("files     49 written, 0 skipped");

        byte[] before = Files.readAllBytes(work.resolve("data/raw/prices/symbol=AAPL/year=2020/month=08/AAPL-2020-08-31.parquet"));
        assertThat(run(args)).isZero();
        assertThat(out.toString()).as("a complete lake: nothing fetched, nothing rewritten")
                .contains("requests  0 ").contains("stored    49 sessions already stored, 1 requests saved")
                .contains("files     0 written, 0 skipped").contains("(1 already up to date, nothing fetched)");
        assertThat(yahoo.requests()).as("provider requests after the rerun").hasSize(1);

        assertThat(run("runs")).isZero();
        List<String> runs = out.toString().lines().toList();
        assertThat(runs).hasSize(3).element(1).asString().contains("prices").contains("yahoo").contains("succeeded");
        assertThat(runs.get(1).indexOf("succeeded")).as("columns aligned:%n%s", String.join("\n", runs)).isEqualTo(runs.get(0).indexOf("status"));
        assertThat(runs.get(1)).endsWith(" 0");
        assertThat(runs.get(1).length()).isEqualTo(runs.get(0).length()); // numbers right-aligned under their headers
        assertThat(run("runs", metrics.runId())).isZero();
        assertThat(out.toString()).contains("\"files_written\" : 49");

        assertThat(run("prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06", "--force")).isZero();
        assertThat(out.toString()).contains("files     49 written, 0 skipped");
        byte[] after = Files.readAllBytes(work.resolve("data/raw/prices/symbol=AAPL/year=2020/month=08/AAPL-2020-08-31.parquet"));
        assertThat(after.length).isEqualTo(before.length);
    }

    @Test
    void twoSinksAreReportedEachOnItsOwnLineNotSummed() throws IOException {
        yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
        assertThat(run("prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06", "--sink", "parquet:a", "--sink", "parquet:b",
                "--metrics-out", "m.json")).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("sink      parquet:\\S*/a: 49 files written, 0 skipped, 49 rows written")
                .containsPattern("sink      parquet:\\S*/b: 49 files written, 0 skipped, 49 rows written").doesNotContain("98 rows");
        RunReport metrics = RunReport.fromJson(Files.readString(work.resolve("m.json")));
        assertThat(metrics.bySink().values()).as("per sink in the metrics").extracting(RunReport.SinkWrites::rowsWritten).containsExactly(49L, 49L);
    }

    @Test
    void aRerunFetchesOnlyTheDeletedSessionsInOneRequestAndRestoresThem() throws IOException {
        String body = fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json");
        for (String symbol : List.of("AAPL", "MSFT", "IBM")) {
            yahoo.on("/v8/finance/chart/" + symbol, Reply.json(200, body)); // the parser takes the symbol asked for
        }
        String[] args = {"prices", "--symbols", "AAPL,MSFT,IBM", "--from", "2020-08-31", "--to", "2020-11-06", "--metrics-out", "metrics.json"};
        assertThat(run(args)).as(err.toString()).isZero();
        assertThat(yahoo.requests()).hasSize(3);
        List<String> complete = lakeFiles().stream().filter(f -> f.startsWith("raw/")).toList();
        Path lake = work.resolve("data/raw/prices/symbol=AAPL/year=2020");
        Map<String, Object> oct1 = new HashMap<>(ParquetFiles.readRows(Files.readAllBytes(lake.resolve("month=10/AAPL-2020-10-01.parquet"))).getFirst());
        Files.delete(lake.resolve("month=09/AAPL-2020-09-15.parquet"));
        Files.delete(lake.resolve("month=09/AAPL-2020-09-16.parquet"));
        Files.delete(lake.resolve("month=10/AAPL-2020-10-01.parquet"));

        assertThat(run(args)).as(err.toString()).isZero();

        assertThat(yahoo.requests()).as("one request, for AAPL's gaps only, coalesced (Yahoo answers any range in one call)").hasSize(4);
        assertThat(yahoo.requests().get(3).path()).isEqualTo("/v8/finance/chart/AAPL");
        Map<String, String> query = FixtureServer.query(yahoo.requests().get(3));
        assertThat(Instant.ofEpochSecond(Long.parseLong(query.get("period1")))).as("from the first missing session, a day of margin")
                .isEqualTo(Instant.parse("2020-09-14T00:00:00Z"));
        assertThat(Instant.ofEpochSecond(Long.parseLong(query.get("period2")))).as("to the last missing session")
                .isEqualTo(Instant.parse("2020-10-03T00:00:00Z"));
        RunReport metrics = RunReport.fromJson(Files.readString(work.resolve("metrics.json")));
        assertThat(metrics.filesWritten()).as("only the deleted files are written").isEqualTo(3);
        assertThat(metrics.sessionsStored()).isEqualTo(3 * 49 - 3);
        assertThat(metrics.requestsSaved()).isEqualTo(2);
        assertThat(metrics.rowsQuarantined()).as("nothing outside the asked range is quarantined").isZero();
        assertThat(lakeFiles().stream().filter(f -> f.startsWith("raw/")).toList()).isEqualTo(complete);
        Map<String, Object> restored = new HashMap<>(ParquetFiles.readRows(Files.readAllBytes(lake.resolve("month=10/AAPL-2020-10-01.parquet"))).getFirst());
        oct1.remove("ingest_ts");
        restored.remove("ingest_ts");
        assertThat(restored).isEqualTo(oct1);

        assertThat(run(args)).isZero();
        assertThat(yahoo.requests()).as("complete again: no request").hasSize(4);

        String[] twoSinks = {"prices", "--symbols", "AAPL,MSFT,IBM", "--from", "2020-08-31", "--to", "2020-11-06", "--sink", "parquet:data",
            "--sink", "parquet:second"};
        assertThat(run(twoSinks)).as(err.toString()).isZero();
        assertThat(yahoo.requests()).as("what any sink lacks is fetched: the empty second lake lacks everything").hasSize(7);
        assertThat(out.toString()).as("each lake its own counts").containsPattern("sink      parquet:\\S*/data: 0 files written, 147 skipped, 0 rows written")
                .containsPattern("sink      parquet:\\S*/second: 147 files written, 0 skipped, 147 rows written");
        assertThat(run(twoSinks)).isZero();
        assertThat(yahoo.requests()).as("both complete: no request").hasSize(7);
    }

    /** A complete lake of AAPL's 49 sessions 2020-08-31..2020-11-06 for the coverage tests. */
    private void aaplLake() {
        yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
        assertThat(run("prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06")).as(err.toString()).isZero();
    }

    /** Issue 19: a record left "running" by a process that is gone (SIGKILL, OOM) is shown as interrupted; InterruptedRunIT kills a real one. */
    @Test
    void runsShowsARunningRecordWhoseProcessIsGoneAsInterruptedUnlessOnAnotherHost() throws Exception {
        aaplLake();
        Path log;
        try (Stream<Path> walk = Files.walk(work.resolve("data/logs/ingest"))) {
            log = walk.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        RunReport done = RunReport.fromJson(Files.readString(log));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(log, done.withStatus(RunReport.RUNNING, new RunReport.RunProcess(gone.pid(), RunReport.RunProcess.hostName(), Instant.now())).toJson());
        assertThat(run("runs")).isZero();
        assertThat(out.toString()).containsPattern(done.runId() + "\\s+prices\\s+yahoo\\s+\\S+\\s+interrupted\\s+1\\s+0\\s+49\\s+0");

        Files.writeString(log, done.withStatus(RunReport.RUNNING, new RunReport.RunProcess(gone.pid(), "another-host", Instant.now())).toJson());
        assertThat(run("runs")).isZero();
        assertThat(out.toString()).as("a process on another host cannot be seen from here").containsPattern(done.runId() + "\\s+prices\\s+yahoo\\s+\\S+\\s+running\\s");

        Files.writeString(log, done.withStatus(RunReport.RUNNING, RunReport.RunProcess.current()).toJson());
        assertThat(run("runs")).isZero();
        assertThat(out.toString()).as("this very process is alive").containsPattern(done.runId() + "\\s+prices\\s+yahoo\\s+\\S+\\s+running\\s");
    }

    @Test
    void coverageOfACompleteLakeHasNothingMissingAndExits0() {
        aaplLake();
        assertThat(run("coverage", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06")).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("parquet:\\S+  AAPL\\s+49\\s+49\\s+0\\s+0\\s+0\\s*\\n");
    }

    @Test
    void coverageListsExactlyTheDeletedDatesAsRangesAndExits1() throws IOException {
        aaplLake();
        Path lake = work.resolve("data/raw/prices/symbol=AAPL/year=2020");
        Files.delete(lake.resolve("month=09/AAPL-2020-09-04.parquet"));
        Files.delete(lake.resolve("month=09/AAPL-2020-09-08.parquet")); // 09-07 is Labor Day: one gap of two sessions
        Files.delete(lake.resolve("month=10/AAPL-2020-10-15.parquet"));
        Files.delete(lake.resolve("month=11/AAPL-2020-11-06.parquet"));

        assertThat(run("coverage", "--symbols", "AAPL,MSFT", "--from", "2020-08-31", "--to", "2020-11-06", "--format", "csv"))
                .as(err.toString()).isEqualTo(1);

        assertThat(out.toString().lines().toList()).hasSize(3).satisfies(lines -> {
            assertThat(lines.get(0)).isEqualTo("sink,symbol,expected,stored,checked_empty,quarantined,missing,missing_ranges");
            assertThat(lines.get(1)).endsWith(",AAPL,49,45,0,0,4,2020-09-04..2020-09-08 2020-10-15 2020-11-06");
            assertThat(lines.get(2)).endsWith(",MSFT,49,0,0,0,49,2020-08-31..2020-11-06");
        });

        assertThat(run("coverage", "--symbols", "AAPL", "--from", "2020-10-01", "--to", "2020-10-31", "--format", "json")).isEqualTo(1);
        assertThat(out.toString()).contains("\"symbol\":\"AAPL\",\"expected\":22,\"stored\":21,\"checked_empty\":0,\"quarantined\":0,\"missing\":1,"
                + "\"missing_ranges\":[{\"from\":\"2020-10-15\",\"to\":\"2020-10-15\"}]");
    }

    @Test
    void coverageCountsTheSessionsInsideAYearlyFile() {
        aaplLake();
        assertThat(run("prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06", "--backfill", "--sink", "parquet:yearly"))
                .as(err.toString()).isZero();
        assertThat(run("coverage", "--sink", "parquet:yearly", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06")).isZero();
        assertThat(run("coverage", "--sink", "parquet:yearly", "--symbols", "AAPL", "--from", "2020-12-28", "--to", "2021-01-05")).isEqualTo(1);
        assertThat(out.toString()).as("the 2020 file holds August 31 to November 6 only, not the end of December")
                .contains("2020-12-28..2021-01-05");
    }

    @Test
    void unknownSymbolFailsThatSymbolAndExits1() throws IOException {
        yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, fixture("chart_AAPL_1d_2020-01-01_2020-01-03.json")));
        yahoo.on("/v8/finance/chart/SIX", Reply.json(404, fixture("chart_SIX_404_not_found.json")));
        assertThat(run("prices", "--symbols", "AAPL,SIX", "--from", "2020-01-02", "--to", "2020-01-02")).isEqualTo(1);
        assertThat(out.toString()).contains("SIX: Cannot fetch SIX 1d 2020-01-02 from yahoo: Yahoo does not know the symbol");
        assertThat(lakeFiles()).contains("raw/prices/symbol=AAPL/year=2020/month=01/AAPL-2020-01-02.parquet");
    }

    @Test
    void dryRunPrintsThePlanAndTouchesNothing() throws IOException {
        assertThat(run("prices", "--symbols", "AAPL,MSFT", "--from", "2024-01-02", "--to", "2024-01-31", "--dry-run")).isZero();
        assertThat(out.toString()).contains("requests: 2, provider calls: 2").contains("fetch AAPL 1d 2024-01-02..2024-01-31");
        assertThat(yahoo.requests()).isEmpty();
        assertThat(lakeFiles()).isEmpty();
    }

    @Test
    void defaultRangeIsTheLastCompletedSession() {
        // 2024-10-01 02:00 UTC is the evening of Monday 2024-09-30 in New York, after the close
        assertThat(run("prices", "--symbols", "AAPL", "--dry-run")).isZero();
        assertThat(out.toString()).contains("fetch AAPL 1d 2024-09-30");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "prices --symbols AAPL --bogus|Unknown option: '--bogus'",
        "prices --symbols AAPL --from 2024-02-30|--from '2024-02-30' is not a valid date: use YYYY-MM-DD",
        "prices --symbols AAPL --from 2024-03-01 --to 2024-02-01|--from 2024-03-01 is after --to 2024-02-01",
        "prices --symbols ../etc|Invalid symbol '../etc'",
        "prices --symbols A;B|Invalid symbol 'A;B'",
        "prices --symbols AAPL --source fmp2|Unknown source 'fmp2' (known: fmp, polygon, yahoo)",
        "prices --symbols AAPL --interval 7m|Unknown interval '7m'",
        "prices --symbols AAPL --sink ftp://x|Unknown sink 'ftp'",
        "prices --from 2024-01-02|No symbols: give --symbols A,B,C or --tickers-path FILE",
        "prices --symbols AAPL --to 2024-10-01|--to 2024-10-01 is after the last completed session, 2024-09-30: there are no bars for it yet",
        "prices --symbols AAPL --from 2024-10-03|--from 2024-10-03 is after the last completed session, 2024-09-30",
        "prices --symbols AAPL --shard 3/2|Invalid shard 3/2",
        "fundamentals --symbols AAPL|No source that provides fundamentals is configured (fmp does; see docs/settings.md), or give --source:",
        "fundamentals --symbols AAPL --source yahoo|Source 'yahoo' does not provide fundamentals (fmp does: try --source fmp)",
        "options --symbols AAPL|No source that provides options is configured (polygon does; see docs/settings.md)",
        "actions --tickers-path missing.txt|Cannot read --tickers-path",
        "watch --tickers-path missing.txt|Cannot read --tickers-path",
        "db upgrade|Unknown db action 'upgrade' (known: migrate, info, maintain)",
        "db migrate --sink postgres|DATABASE_URL is not set"})
    void badInputIsOneClearLineAndExit2BeforeAnyRequest(String commandLine, String message) throws IOException {
        assertThat(run(commandLine.split(" "))).isEqualTo(2);
        assertThat(err.toString()).contains(message).startsWith("stock-ingest: ");
        assertThat(yahoo.requests()).isEmpty();
        assertThat(lakeFiles()).isEmpty();
    }

    @Test
    void fundamentalsAndOptionsDefaultToTheConfiguredSourceThatProvidesThemAndTakeATickersFile() throws IOException {
        Files.writeString(work.resolve("tickers.txt"), "AAPL\nMSFT\n");
        String local = yahoo.baseUri().toString(); // nothing leaves loopback, though a dry run sends nothing
        assertThat(run(Map.of("FMP_API_KEY", "fmp-key-1", "FMP_BASE_URL", local), "fundamentals", "--tickers-path", "tickers.txt", "--dry-run"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("--source fmp").contains("symbols: 2").contains("AAPL,MSFT");
        assertThat(run(Map.of("POLYGON_API_KEY", "polygon-key-1", "POLYGON_BASE_URL", local), "options", "--tickers-path", "tickers.txt",
                "--underlying", "NVDA", "--dry-run")).as(err.toString()).isZero();
        assertThat(out.toString()).as("--underlying stays an alias of --symbols").contains("--source polygon").contains("symbols: 3");
        assertThat(run("fundamentals", "--symbols", "AAPL")).isEqualTo(2);
        assertThat(err.toString()).as("names the setting the source lacks").contains("fmp: FMP_API_KEY is not set");
        assertThat(run("actions", "--tickers-path", "tickers.txt", "--dry-run")).as(err.toString()).isZero();
        assertThat(out.toString()).as("actions keep the keyless default").contains("--source yahoo").contains("symbols: 2");
        assertThat(yahoo.requests()).isEmpty();
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThat(run("prices", "--symbols", "../x,AAPL", "--from", "yesterday", "--interval", "9m")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid symbol '../x'").contains("--from 'yesterday' is not a valid date").contains("Unknown interval '9m'");
    }

    @Test
    void readsATickersFileWithBomCommentsBlanksAndDuplicates() throws IOException {
        Files.writeString(work.resolve("tickers.csv"), "\uFEFFsymbol,name\n# comment\nAAPL,Apple\n\naapl,again\nBRK-B,Berkshire\n");
        assertThat(run("prices", "--tickers-path", "tickers.csv", "--from", "2024-01-02", "--to", "2024-01-02", "--dry-run")).isZero();
        assertThat(out.toString()).contains("symbols: 2").contains("fetch AAPL").contains("fetch BRK.B");
    }

    @Test
    void aSecretNeverAppearsInOutput() throws IOException {
        Files.writeString(work.resolve(".env"), "FMP_API_KEY=sk-live-visible-secret-123\n");
        yahoo.on("/v8/finance/chart/AAPL", Reply.text(500, "upstream said sk-live-visible-secret-123"));
        run(Map.of("YAHOO_RATE_LIMIT", "1000/sec"), "prices", "--symbols", "AAPL", "--from", "2020-01-02", "--to", "2020-01-02",
                "--metrics-out", "m.json");
        assertThat(out.toString() + err.toString() + Files.readString(work.resolve("m.json"))).doesNotContain("sk-live-visible-secret-123");
    }

    @Test
    void actionsFromYahooLandInTheLake() throws IOException {
        yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
        assertThat(run("actions", "--symbols", "AAPL", "--from", "2020-08-01", "--to", "2020-11-07")).as(err.toString()).isZero();
        assertThat(lakeFiles()).contains("raw/actions/type=split/symbol=AAPL/AAPL-splits.parquet",
                "raw/actions/type=dividend/symbol=AAPL/AAPL-dividends.parquet");
        Map<String, Object> dividend = ParquetFiles.readRows(Files.readAllBytes(work.resolve("data/raw/actions/type=dividend/symbol=AAPL/AAPL-dividends.parquet"))).getFirst();
        assertThat(dividend).containsEntry("ex_date", LocalDate.of(2020, 11, 6)).containsEntry("amount", 0.205).containsEntry("currency", "USD");
        assertThat(out.toString()).contains("files     2 written");
    }

    @Test
    void snowflakeDryRunPrintsTheLoadStatementsWithSecretsMasked() {
        Map<String, String> snowflake = Map.of("SNOWFLAKE_ACCOUNT", "xy12345", "SNOWFLAKE_USER", "loader", "SNOWFLAKE_PASSWORD", "sf-pass-visible-77",
                "SNOWFLAKE_WAREHOUSE", "WH", "SNOWFLAKE_DATABASE", "MARKET", "SNOWFLAKE_ROLE", "LOADER");
        assertThat(run(snowflake, "prices", "--symbols", "AAPL", "--from", "2024-09-23", "--to", "2024-09-27", "--sink", "snowflake", "--dry-run"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("COPY INTO").contains("MERGE INTO").doesNotContain("sf-pass-visible-77")
                .as("its stored sessions are a query: not asked by a dry run, which plans the whole range")
                .contains("stored sessions: not read from snowflake:xy12345/MARKET.STOCK_INGEST (a dry run does not connect)")
                .contains("requests: 1, provider calls: 1");
        assertThat(yahoo.requests()).isEmpty();
    }

    @Test
    void snowflakeOptionsDryRunPrintsTheLoadStatements() {
        Map<String, String> snowflake = Map.of("SNOWFLAKE_ACCOUNT", "xy12345", "SNOWFLAKE_USER", "loader", "SNOWFLAKE_PASSWORD", "sf-pass-visible-78",
                "SNOWFLAKE_WAREHOUSE", "WH", "SNOWFLAKE_DATABASE", "MARKET", "POLYGON_API_KEY", "poly-key-visible-79");
        assertThat(run(snowflake, "options", "--source", "polygon", "--underlying", "AAPL", "--sink", "snowflake", "--dry-run"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("OPTION_SNAPSHOTS").contains("COPY INTO").contains("MERGE INTO")
                .doesNotContain("sf-pass-visible-78").doesNotContain("poly-key-visible-79");
    }

    @Test
    void dbReachesSchemaAdministrationThroughTheSinksCapability() {
        Map<String, String> snowflake = Map.of("SNOWFLAKE_ACCOUNT", "xy12345", "SNOWFLAKE_USER", "loader", "SNOWFLAKE_PASSWORD", "sf-pass-visible-80",
                "SNOWFLAKE_WAREHOUSE", "WH", "SNOWFLAKE_DATABASE", "MARKET");
        assertThat(run(snowflake, "db", "migrate", "--sink", "snowflake", "--dry-run")).as(err.toString()).isZero();
        assertThat(out.toString()).as("the plan, printed without connecting").contains("CREATE").doesNotContain("sf-pass-visible-80");
        String plan = out.toString();
        assertThat(run(snowflake, "db", "info", "--sink", "snowflake")).as(err.toString()).isZero();
        assertThat(out.toString()).as("Snowflake's info is its plan").isEqualTo(plan);

        assertThat(run("db", "info", "--sink", "parquet:lake")).isEqualTo(2);
        assertThat(err.toString()).contains("db works on a database sink (iceberg:DIR, iceberg, postgres, postgresql://..., snowflake); got 'parquet:lake'");
        assertThat(run("export", "--table", "prices_daily", "-o", "x.csv", "--sink", "s3://bucket")).isEqualTo(2);
        assertThat(err.toString()).contains("export reads a database sink (iceberg:DIR, iceberg, postgres, postgresql://...); got 's3://bucket'");
    }

}
