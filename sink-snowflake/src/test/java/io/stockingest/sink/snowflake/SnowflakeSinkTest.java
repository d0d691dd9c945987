package io.stockingest.sink.snowflake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.SinkFactory;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.spi.WriteResult;
import io.stockingest.lake.LakeLayout;
import io.stockingest.lake.ParquetFiles;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnowflakeSinkTest {
    private static final String RUN = "1727740800";
    private static final Instant INGEST = Instant.parse("2024-10-01T00:00:00.123456Z");
    private static final RunContext CONTEXT = new RunContext(RUN, "prices", "yahoo", INGEST, INGEST);
    private static final Symbol AAPL = Symbol.parse("AAPL");
    private static final Symbol MSFT = Symbol.parse("MSFT");

    @TempDir
    Path workDir;

    private static SnowflakeConfig config(String stage, int rowsPerFile) {
        return new SnowflakeConfig("myorg-acct1", "LOADER", "pw-Sn0wfl4ke-sink", null, null, "INGEST_ROLE", "LOAD_WH", "MARKET", "STOCK_INGEST",
                stage, rowsPerFile);
    }

    private SnowflakeSink sink(RecordingExecutor executor) {
        return new SnowflakeSink(config(null, 4_000_000), LakeLayout.DEFAULT, executor, workDir);
    }

    private static Bar daily(Symbol symbol, String date, double open, double high, double low, double close, long volume) {
        LocalDate day = LocalDate.parse(date);
        return new Bar(symbol, Interval.D1, day.atTime(9, 30).atZone(ZoneId.of("America/New_York")).toInstant(), day, open, high, low, close,
                close, volume, null, null, "yahoo", Adjustment.SPLITS);
    }

    /** The load mechanics below are shown on prices alone; SnowflakeFeaturesTest covers the feature tables. */
    private static final WriteOptions PRICES_ONLY = new WriteOptions(WriteOptions.Layout.DAILY, WriteOptions.Existing.SKIP, WriteOptions.Features.SKIP);

    private static BarBatch batch(Symbol symbol, WriteOptions options, Bar... bars) {
        return new BarBatch(symbol, Interval.D1, new DateRange(LocalDate.parse("2024-09-26"), LocalDate.parse("2024-09-30")), List.of(bars),
                options, CONTEXT);
    }

    private static BarBatch aaplBatch() {
        return batch(AAPL, PRICES_ONLY, daily(AAPL, "2024-09-27", 228.46, 229.52, 227.30, 227.79, 34_026_000),
                daily(AAPL, "2024-09-30", 230.04, 233.00, 229.65, 233.00, 54_541_900));
    }

    private static RecordingExecutor answering() {
        return new RecordingExecutor()
                .answer("COPY INTO", List.of(Map.of("FILE", "prices_daily-00001.parquet", "STATUS", "LOADED", "ROWS_PARSED", 3L, "ROWS_LOADED", 3L)))
                .answer("SELECT COUNT(*)", List.of(Map.of("ROWS", 3L, "KEY_PRESENT", 0L, "PRICES_POSITIVE", 0L, "OHLC_CONSISTENT", 0L,
                        "VOLUME_NON_NEGATIVE", 0L)))
                .answer("MERGE INTO", List.of(Map.of("NUMBER OF ROWS INSERTED", 2L, "NUMBER OF ROWS UPDATED", 1L)));
    }

    @Test
    void writesOnlyBufferAndFlushLoadsInOneTransaction() {
        RecordingExecutor executor = answering();
        SnowflakeSink sink = sink(executor);

        WriteResult written = sink.writeBars(aaplBatch());
        sink.writeBars(batch(MSFT, PRICES_ONLY, daily(MSFT, "2024-09-30", 429.33, 430.42, 425.37, 430.30, 16_807_300)));

        assertThat(written).isEqualTo(new WriteResult(0, 0, 2));
        assertThat(executor.statements).as("nothing runs before flush").isEmpty();

        sink.flush();

        assertThat(executor.verbs()).containsExactly("PUT", "CREATE", "BEGIN", "COPY", "SELECT", "MERGE", "COMMIT", "DROP", "REMOVE");
        assertThat(executor.statements).containsExactlyElementsOf(
                sink.planLoad(SnowflakeTable.PRICES_DAILY, RUN, List.of("prices_daily-00001.parquet")).subList(1, 10));
        assertThat(executor.statements.getFirst()).isEqualTo("PUT 'file://" + workDir.resolve("run-" + RUN + "/prices_daily-00001.parquet")
                + "' @\"MARKET\".\"STOCK_INGEST\".\"STOCK_INGEST_STAGE\"/run-1727740800/prices_daily/ AUTO_COMPRESS = FALSE OVERWRITE = TRUE");
        assertThat(sink.loads()).containsExactly(new SnowflakeSink.LoadResult(SnowflakeTable.PRICES_DAILY, 1, 3, 2, 1));
        assertThat(workDir.resolve("run-" + RUN)).as("local files deleted after the load").doesNotExist();
    }

    @Test
    void stagedParquetFilesHaveTheTableColumnsAndTheValues() {
        RecordingExecutor executor = answering();
        SnowflakeSink sink = sink(executor);
        sink.writeBars(aaplBatch());

        sink.flush();

        byte[] file = executor.putFiles.get("prices_daily-00001.parquet");
        Schema schema = ParquetFiles.read(file).getFirst().getSchema();
        assertThat(schema.getFields()).extracting(f -> new SnowflakeTable.Column(f.name(), SnowflakeTable.sqlType(f.schema()), !f.schema().isNullable()))
                .containsExactlyElementsOf(SnowflakeTable.PRICES_DAILY.columns());
        assertThat(SnowflakeTable.PRICES_DAILY.columns()).extracting(SnowflakeTable.Column::name)
                .containsExactly("symbol", "date", "open", "high", "low", "close", "adj_close", "volume", "vwap", "transactions", "source", "venue",
                        "ingest_ts");
        List<Map<String, Object>> rows = ParquetFiles.readRows(file);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1)).containsEntry("symbol", "AAPL").containsEntry("open", 230.04).containsEntry("high", 233.00)
                .containsEntry("low", 229.65).containsEntry("close", 233.00).containsEntry("volume", 54_541_900L).containsEntry("source", "yahoo");
        assertThat(rows.get(1).get("date")).isIn(LocalDate.parse("2024-09-30"), (int) LocalDate.parse("2024-09-30").toEpochDay());
    }

    @Test
    void everyTableSchemaMatchesItsColumns() {
        for (SnowflakeTable table : SnowflakeTable.values()) {
            assertThat(table.columns()).as(table.tableName()).extracting(SnowflakeTable.Column::name)
                    .containsExactlyElementsOf(table.schema().getFields().stream().map(Schema.Field::name).toList())
                    .containsAll(table.key())
                    .contains(table.feature() ? "date" : "source", "ingest_ts");
        }
    }

    @Test
    void splitsRowsIntoFilesOfAtMostRowsPerFile() {
        RecordingExecutor executor = answering();
        SnowflakeSink sink = new SnowflakeSink(config(null, 2), LakeLayout.DEFAULT, executor, workDir);
        sink.writeBars(aaplBatch());
        sink.writeBars(batch(MSFT, PRICES_ONLY, daily(MSFT, "2024-09-26", 435.09, 435.30, 429.13, 431.31, 14_492_000),
                daily(MSFT, "2024-09-27", 431.52, 431.85, 427.47, 428.02, 14_896_100), daily(MSFT, "2024-09-30", 429.33, 430.42, 425.37, 430.30, 16_807_300)));

        sink.flush();

        assertThat(executor.putFiles.keySet()).containsExactly("prices_daily-00001.parquet", "prices_daily-00002.parquet", "prices_daily-00003.parquet");
        assertThat(executor.putFiles.values()).extracting(bytes -> ParquetFiles.read(bytes).size()).containsExactly(2, 2, 1);
        assertThat(executor.statements).filteredOn(s -> s.startsWith("COPY")).singleElement().asString()
                .contains("FILES = ('prices_daily-00001.parquet', 'prices_daily-00002.parquet', 'prices_daily-00003.parquet')");
    }

    @Test
    void failingGateRollsBackDropsStagingAndNeverMerges() {
        RecordingExecutor executor = answering().answer("SELECT COUNT(*)", List.of(Map.of("ROWS", 2L, "KEY_PRESENT", 0L, "PRICES_POSITIVE", 1L,
                "OHLC_CONSISTENT", 2L, "VOLUME_NON_NEGATIVE", 0L)));
        SnowflakeSink sink = sink(executor);
        sink.writeBars(aaplBatch());

        assertThatThrownBy(sink::flush)
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DQ_GATE))
                .hasMessage("Data-quality gate refused the Snowflake load of prices_daily (run 1727740800): of 2 staged rows,"
                        + " 1 prices_positive, 2 ohlc_consistent broke the rule; prices_daily is unchanged");
        assertThat(executor.verbs()).containsExactly("PUT", "CREATE", "BEGIN", "COPY", "SELECT", "ROLLBACK", "DROP", "REMOVE");
        assertThat(executor.statements).noneMatch(s -> s.startsWith("MERGE") || s.startsWith("INSERT") || s.equals("COMMIT"));
    }

    @Test
    void failingCopyRollsBackAndDropsStaging() {
        RecordingExecutor executor = answering().failOn("COPY INTO");
        SnowflakeSink sink = sink(executor);
        sink.writeBars(aaplBatch());

        assertThatThrownBy(sink::flush)
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.SINK))
                .hasMessageStartingWith("Snowflake statement failed (COPY INTO");
        assertThat(executor.verbs()).containsExactly("PUT", "CREATE", "BEGIN", "COPY", "ROLLBACK", "DROP", "REMOVE");
    }

    @Test
    void rerunRunsTheSameStatementsWhoseMergeChangesNothingUnchanged() {
        RecordingExecutor first = answering();
        SnowflakeSink one = sink(first);
        one.writeBars(aaplBatch());
        one.flush();
        RecordingExecutor second = answering().answer("MERGE INTO", List.of(Map.of("NUMBER OF ROWS INSERTED", 0L, "NUMBER OF ROWS UPDATED", 0L)));
        SnowflakeSink two = sink(second);
        two.writeBars(aaplBatch());
        two.flush();

        assertThat(second.statements).isEqualTo(first.statements);
        assertThat(second.statements).filteredOn(s -> s.startsWith("MERGE")).singleElement().asString()
                .contains("WHEN MATCHED AND (t.\"OPEN\" IS DISTINCT FROM s.\"OPEN\"").doesNotContain("t.\"INGEST_TS\" IS DISTINCT");
        assertThat(ParquetFiles.readRows(second.putFiles.get("prices_daily-00001.parquet")))
                .isEqualTo(ParquetFiles.readRows(first.putFiles.get("prices_daily-00001.parquet")));
        assertThat(two.loads()).containsExactly(new SnowflakeSink.LoadResult(SnowflakeTable.PRICES_DAILY, 1, 3, 0, 0));
    }

    @Test
    void externalStageCopiesTheLakeFilesAndUploadsNothing() {
        RecordingExecutor executor = answering();
        SnowflakeSink sink = new SnowflakeSink(config("LAKE.PUBLIC.LAKE_STAGE", 4_000_000), LakeLayout.DEFAULT, executor, workDir);
        sink.writeBars(aaplBatch());
        sink.writeBars(batch(MSFT, new WriteOptions(WriteOptions.Layout.YEARLY, WriteOptions.Existing.SKIP, WriteOptions.Features.SKIP),
                daily(MSFT, "2024-09-30", 429.33, 430.42, 425.37, 430.30, 16_807_300)));

        sink.flush();

        assertThat(executor.verbs()).containsExactly("CREATE", "BEGIN", "COPY", "SELECT", "MERGE", "COMMIT", "DROP");
        assertThat(executor.statements.get(2)).isEqualTo("COPY INTO \"MARKET\".\"STOCK_INGEST\".\"STAGING_PRICES_DAILY_1727740800\""
                + " FROM @\"LAKE\".\"PUBLIC\".\"LAKE_STAGE\" FILES = ('raw/prices/symbol=AAPL/year=2024/month=09/AAPL-2024-09-27.parquet',"
                + " 'raw/prices/symbol=AAPL/year=2024/month=09/AAPL-2024-09-30.parquet', 'raw/prices/symbol=MSFT/year=2024/MSFT-2024.parquet')"
                + " FILE_FORMAT = (FORMAT_NAME = '\"MARKET\".\"STOCK_INGEST\".\"STOCK_INGEST_PARQUET\"')"
                + " MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT");
        assertThat(executor.putFiles).isEmpty();
    }

    @Test
    void optionsLoadThroughTheirOwnGateAndQuarantineAndRunReportFollow() {
        RecordingExecutor executor = answering().answer("SELECT COUNT(*)", List.of(Map.of("ROWS", 1L, "KEY_PRESENT", 0L, "STRIKE_POSITIVE", 0L)));
        SnowflakeSink sink = sink(executor);
        OptionSnapshot call = new OptionSnapshot("O:SPY241018C00570000", Symbol.parse("SPY"), "call", "american", 570.0, LocalDate.parse("2024-10-18"),
                100.0, 5.1, 5.62, 4.9, 5.4, 1234.0, 5.3, 10_500.0, 0.131, 0.52, 0.041, -0.21, 0.55, 575.4, 573.76,
                Instant.parse("2024-09-30T20:00:00Z"), LocalDate.parse("2024-09-30"), "polygon");
        sink.writeOptions(List.of(call), WriteOptions.DEFAULT, CONTEXT);
        Bar bad = daily(AAPL, "2024-09-28", 230.0, 229.0, 231.0, 230.5, 100);
        sink.writeQuarantine(List.of(new Rejected(bad, "ohlc_consistent", "open 230.0 high 229.0 low 231.0 close 230.5")), CONTEXT);
        sink.writeRun(report());

        sink.flush();

        assertThat(executor.verbs()).containsExactly(
                "PUT", "CREATE", "BEGIN", "COPY", "SELECT", "MERGE", "COMMIT", "DROP", "REMOVE",
                "PUT", "CREATE", "BEGIN", "COPY", "MERGE", "COMMIT", "DROP", "REMOVE",
                "MERGE");
        assertThat(executor.statements.get(3)).contains("FROM @\"MARKET\".\"STOCK_INGEST\".\"STOCK_INGEST_STAGE\"/run-1727740800/option_snapshots/");
        assertThat(executor.statements.get(12)).startsWith("COPY INTO \"MARKET\".\"STOCK_INGEST\".\"STAGING_QUARANTINE_1727740800\"");
        assertThat(executor.statements.getLast()).startsWith("MERGE INTO \"MARKET\".\"STOCK_INGEST\".\"INGEST_RUNS\" AS t USING (SELECT '1727740800' AS \"RUN_ID\","
                        + " 'prices' AS \"COMMAND\", 'yahoo' AS \"SOURCE\", TO_TIMESTAMP_TZ('2024-10-01T00:00:00Z') AS \"STARTED_AT\"")
                .contains("0 AS \"EXIT_CODE\", 2 AS \"ROWS_WRITTEN\", 1 AS \"ROWS_QUARANTINED\", PARSE_JSON('{")
                .endsWith("WHEN NOT MATCHED THEN INSERT (\"RUN_ID\", \"COMMAND\", \"SOURCE\", \"STARTED_AT\", \"FINISHED_AT\", \"STATUS\", \"EXIT_CODE\","
                        + " \"ROWS_WRITTEN\", \"ROWS_QUARANTINED\", \"REPORT\") VALUES (s.\"RUN_ID\", s.\"COMMAND\", s.\"SOURCE\", s.\"STARTED_AT\","
                        + " s.\"FINISHED_AT\", s.\"STATUS\", s.\"EXIT_CODE\", s.\"ROWS_WRITTEN\", s.\"ROWS_QUARANTINED\", s.\"REPORT\")");
        Map<String, Object> option = ParquetFiles.readRows(executor.putFiles.get("option_snapshots-00001.parquet")).getFirst();
        assertThat(option).containsEntry("contract", "O:SPY241018C00570000").containsEntry("strike", 570.0).containsEntry("delta", 0.52)
                .containsEntry("implied_volatility", 0.131);
        Map<String, Object> quarantined = ParquetFiles.readRows(executor.putFiles.get("quarantine-00001.parquet")).getFirst();
        assertThat(quarantined).containsEntry("rule", "ohlc_consistent").containsEntry("run_id", RUN).containsEntry("high", 229.0);
    }

    private static RunReport report() {
        return new RunReport(RUN, "prices", "yahoo", "1d", "2024-09-26", "2024-09-30", List.of("snowflake:myorg-acct1/MARKET.STOCK_INGEST"),
                Instant.parse("2024-10-01T00:00:00Z"), Instant.parse("2024-10-01T00:00:05Z"), 5000, 0, "ok", 1, 1, 0, 1, 0, 0, 0, 0, 2, 1,
                Map.of("ohlc_consistent", 1L), List.of(), Map.of());
    }

    @Test
    void flushWithNothingBufferedRunsNothing() {
        RecordingExecutor executor = answering();
        sink(executor).flush();
        assertThat(executor.statements).isEmpty();
    }

    @Test
    void migrationRunsOnlyVersionsTheSchemaLacks() {
        RecordingExecutor fresh = new RecordingExecutor().answer("SELECT COALESCE(MAX", List.of(Map.of("VERSION", 0L)));
        assertThat(sink(fresh).migrate()).containsExactly(1, 2, 3, 4, 5);
        assertThat(fresh.statements).containsExactlyElementsOf(new SnowflakeMigration(SnowflakeStatements.of(config(null, 1))).plan());

        RecordingExecutor atThree = new RecordingExecutor().answer("SELECT COALESCE(MAX", List.of(Map.of("VERSION", 3L)));
        assertThat(sink(atThree).migrate()).as("a schema of version 3 gets the feature tables and marts, then the option columns")
                .containsExactly(4, 5);
        assertThat(atThree.verbs()).containsExactly("CREATE", "CREATE", "SELECT", "CREATE", "CREATE", "CREATE", "CREATE", "INSERT",
                "ALTER", "ALTER", "ALTER", "ALTER", "ALTER", "ALTER", "INSERT");

        RecordingExecutor current = new RecordingExecutor().answer("SELECT COALESCE(MAX", List.of(Map.of("VERSION", 5L)));
        assertThat(sink(current).migrate()).isEmpty();
        assertThat(current.verbs()).containsExactly("CREATE", "CREATE", "SELECT");
    }

    @Test
    void aSchemaOfVersion1GainsTheVenueColumnThenTheLaterTablesAndColumns() {
        RecordingExecutor v1 = new RecordingExecutor().answer("SELECT COALESCE(MAX", List.of(Map.of("VERSION", 1L)));
        assertThat(sink(v1).migrate()).containsExactly(2, 3, 4, 5);
        assertThat(v1.statements).filteredOn(s -> s.startsWith("CREATE TABLE") && !s.contains("SCHEMA_VERSION")).extracting(s -> s.split("\"")[5])
                .as("versions 3 and 4 create only their tables").containsExactly("CHECKED_SESSIONS", "PRICE_FEATURES", "PRICE_CUMULATIVE_7D");
        assertThat(v1.statements).filteredOn(s -> s.startsWith("ALTER") && s.contains("VENUE")).containsExactly(
                "ALTER TABLE IF EXISTS \"MARKET\".\"STOCK_INGEST\".\"PRICES_DAILY\" ADD COLUMN IF NOT EXISTS \"VENUE\" VARCHAR",
                "ALTER TABLE IF EXISTS \"MARKET\".\"STOCK_INGEST\".\"PRICES_INTRADAY\" ADD COLUMN IF NOT EXISTS \"VENUE\" VARCHAR",
                "ALTER TABLE IF EXISTS \"MARKET\".\"STOCK_INGEST\".\"QUARANTINE\" ADD COLUMN IF NOT EXISTS \"VENUE\" VARCHAR");
        assertThat(v1.statements).as("no table is created again").noneMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS \"MARKET\".\"STOCK_INGEST\".\"PRICES"));
    }

    @Test
    void dryRunOfPricesListsTheExactStatementsWithSecretsMasked() {
        RecordingExecutor executor = new RecordingExecutor();
        SnowflakeSink sink = sink(executor);

        List<String> plan = sink.planPrices(List.of(AAPL, MSFT), Interval.D1, new DateRange(LocalDate.parse("2024-09-26"), LocalDate.parse("2024-09-30")),
                WriteOptions.DEFAULT, CONTEXT);

        assertThat(plan.getFirst()).isEqualTo("-- connect jdbc:snowflake://myorg-acct1.snowflakecomputing.com/ {JDBC_QUERY_RESULT_FORMAT=JSON, db=MARKET,"
                + " disablePlatformDetection=true, password=****, role=INGEST_ROLE, schema=STOCK_INGEST, user=LOADER, warehouse=LOAD_WH}");
        assertThat(plan.subList(1, plan.size() - 1)).containsExactlyElementsOf(
                LoadPlan.of(SnowflakeStatements.of(config(null, 1)), SnowflakeTable.PRICES_DAILY, RUN, workDir.resolve("run-" + RUN),
                        List.of("prices_daily-00001.parquet")).statements());
        assertThat(plan.getLast()).startsWith("-- then, if any rows were quarantined");
        assertThat(String.join("\n", plan)).doesNotContain("pw-Sn0wfl4ke-sink");
        assertThat(executor.statements).as("a dry run runs nothing").isEmpty();
        assertThat(sink.planMigration().getFirst()).contains("password=****");
    }

    @Test
    void dryRunEstimatesInternalFilesAndListsExternalLakeFiles() {
        SnowflakeSink small = new SnowflakeSink(config(null, 4), LakeLayout.DEFAULT, new RecordingExecutor(), workDir);
        DateRange week = new DateRange(LocalDate.parse("2024-09-26"), LocalDate.parse("2024-09-30"));
        assertThat(small.planPrices(List.of(AAPL, MSFT), Interval.D1, week, WriteOptions.DEFAULT, CONTEXT))
                .as("2 symbols x 3 sessions = 6 rows, 4 a file").filteredOn(s -> s.startsWith("PUT")).hasSize(2);

        SnowflakeSink external = new SnowflakeSink(config("lake_stage", 4), LakeLayout.DEFAULT, new RecordingExecutor(), workDir);
        List<String> plan = external.planPrices(List.of(AAPL), Interval.D1, week, WriteOptions.DEFAULT, CONTEXT);
        assertThat(plan).noneMatch(s -> s.startsWith("PUT") || s.startsWith("REMOVE"));
        assertThat(plan).filteredOn(s -> s.startsWith("COPY")).singleElement().asString()
                .contains("FROM @\"MARKET\".\"STOCK_INGEST\".\"LAKE_STAGE\" FILES = ('raw/prices/symbol=AAPL/year=2024/month=09/AAPL-2024-09-26.parquet',"
                        + " 'raw/prices/symbol=AAPL/year=2024/month=09/AAPL-2024-09-27.parquet', 'raw/prices/symbol=AAPL/year=2024/month=09/AAPL-2024-09-30.parquet')");
        assertThat(external.planOptions(List.of(Symbol.parse("SPY")), LocalDate.parse("2024-09-30"), CONTEXT))
                .filteredOn(s -> s.startsWith("COPY")).singleElement().asString()
                .contains("FILES = ('raw/options/underlying=SPY/date=2024-09-30/SPY-2024-09-30.parquet')");
    }

    @Test
    void factoryCreatesTheSinkWithoutConnectingAndModuleRegistersTheScheme() {
        Settings settings = Settings.of(Map.of("SNOWFLAKE_ACCOUNT", "myorg-acct1", "SNOWFLAKE_USER", "LOADER", "SNOWFLAKE_PRIVATE_KEY_FILE",
                "/keys/rsa_key.p8", "SNOWFLAKE_WAREHOUSE", "LOAD_WH", "SNOWFLAKE_DATABASE", "MARKET"));
        Map<String, SinkFactory> sinks = Guice.createInjector(new SnowflakeSinkModule())
                .getInstance(Key.get(new TypeLiteral<Map<String, SinkFactory>>() {}));

        assertThat(sinks).containsOnlyKeys("snowflake");
        try (var sink = sinks.get("snowflake").create("snowflake", settings)) {
            assertThat(sink.name()).isEqualTo("snowflake:myorg-acct1/MARKET.STOCK_INGEST");
            assertThat(((SnowflakeSink) sink).planMigration().getFirst()).contains("authenticator=SNOWFLAKE_JWT").contains("private_key_file=/keys/rsa_key.p8");
        }
        assertThatThrownBy(() -> sinks.get("snowflake").create("snowflake:prod", settings))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USAGE))
                .hasMessage("Invalid Snowflake sink 'snowflake:prod': use --sink snowflake, with SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, ... in the environment");
        assertThatThrownBy(() -> sinks.get("snowflake").create("snowflake", Settings.of(Map.of())))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG));
    }

    @Test
    void driverLoadsWithoutConnecting() throws Exception {
        assertThat(Class.forName("net.snowflake.client.jdbc.SnowflakeDriver")).isNotNull();
    }

    /** Issue 19: planning reads stored and checked sessions in one query each; a run records its checked ones in one MERGE. */
    @Test
    void knowsStoredAndCheckedSessionsAndRecordsCheckedOnesInOneMerge() {
        LocalDate d1 = LocalDate.of(2024, 7, 8);
        LocalDate halt = LocalDate.of(2024, 7, 9);
        RecordingExecutor executor = new RecordingExecutor()
                .answer("SELECT DISTINCT \"SYMBOL\", \"DATE\" FROM", List.of(Map.of("SYMBOL", "AAA", "DATE", java.sql.Date.valueOf(d1))))
                .answer("SELECT \"SYMBOL\", \"DATE\", \"REASON\" FROM", List.of(Map.of("SYMBOL", "AAA", "DATE", java.sql.Date.valueOf(halt), "REASON", "empty")));
        SnowflakeSink sink = sink(executor);
        DateRange range = new DateRange(LocalDate.of(2024, 7, 1), LocalDate.of(2024, 7, 12));

        var known = sink.knownSessions(List.of(new Symbol("AAA"), new Symbol("BBB")), Interval.D1, range);

        assertThat(known.get(new Symbol("AAA")).stored().dates()).containsExactly(d1);
        assertThat(known.get(new Symbol("AAA")).checked()).containsExactly(Map.entry(halt, io.stockingest.core.spi.StoredSessions.Checked.EMPTY));
        assertThat(known.get(new Symbol("BBB"))).isEqualTo(io.stockingest.core.spi.StoredSessions.Known.NONE);
        assertThat(executor.statements).containsExactly(
                "SELECT DISTINCT \"SYMBOL\", \"DATE\" FROM \"MARKET\".\"STOCK_INGEST\".\"PRICES_DAILY\" WHERE \"SYMBOL\" IN ('AAA', 'BBB')"
                        + " AND \"DATE\" BETWEEN TO_DATE('2024-07-01') AND TO_DATE('2024-07-12')",
                "SELECT \"SYMBOL\", \"DATE\", \"REASON\" FROM \"MARKET\".\"STOCK_INGEST\".\"CHECKED_SESSIONS\" WHERE \"SYMBOL\" IN ('AAA', 'BBB')"
                        + " AND \"INTERVAL\" = '1d' AND \"DATE\" BETWEEN TO_DATE('2024-07-01') AND TO_DATE('2024-07-12')");

        executor.statements.clear();
        RunContext context = new RunContext("1720000000-abcd", "prices", "fmp", Instant.parse("2024-10-01T02:00:00Z"), Instant.parse("2024-10-01T02:00:00Z"));
        sink.recordChecked(Interval.D1, Map.of(new Symbol("BBB"), Map.of(LocalDate.of(2024, 7, 4), io.stockingest.core.spi.StoredSessions.Checked.QUARANTINED,
                halt, io.stockingest.core.spi.StoredSessions.Checked.EMPTY)), context);
        assertThat(executor.statements).containsExactly("MERGE INTO \"MARKET\".\"STOCK_INGEST\".\"CHECKED_SESSIONS\" AS t USING (SELECT column1 AS \"SYMBOL\","
                + " column2 AS \"INTERVAL\", column3 AS \"DATE\", column4 AS \"REASON\" FROM VALUES ('BBB', '1d', TO_DATE('2024-07-04'), 'quarantined'),"
                + " ('BBB', '1d', TO_DATE('2024-07-09'), 'empty')) AS s ON t.\"SYMBOL\" = s.\"SYMBOL\" AND t.\"INTERVAL\" = s.\"INTERVAL\" AND t.\"DATE\" = s.\"DATE\""
                + " WHEN NOT MATCHED THEN INSERT (\"SYMBOL\", \"INTERVAL\", \"DATE\", \"REASON\", \"RUN_ID\", \"CHECKED_AT\")"
                + " VALUES (s.\"SYMBOL\", s.\"INTERVAL\", s.\"DATE\", s.\"REASON\", '1720000000-abcd', TO_TIMESTAMP_TZ('2024-10-01T02:00:00Z'))");
        sink.recordChecked(Interval.D1, Map.of(), context);
        assertThat(executor.statements).as("nothing to record: no statement").hasSize(1);
    }

    @Test
    void recordsCheckedSessionsOnlyAfterTheRunsQuarantineIsLoaded() {
        Bar bad = daily(AAPL, "2024-09-28", 230.0, 229.0, 231.0, 230.5, 100);
        List<Rejected> quarantined = List.of(new Rejected(bad, "ohlc_consistent", "open 230.0 high 229.0 low 231.0 close 230.5"));
        Map<Symbol, Map<LocalDate, io.stockingest.core.spi.StoredSessions.Checked>> checked =
                Map.of(AAPL, Map.of(LocalDate.parse("2024-09-28"), io.stockingest.core.spi.StoredSessions.Checked.QUARANTINED));

        RecordingExecutor executor = answering();
        SnowflakeSink sink = sink(executor);
        sink.writeQuarantine(quarantined, CONTEXT);
        sink.recordChecked(Interval.D1, checked, CONTEXT);
        assertThat(executor.verbs()).as("the quarantine load, then the MERGE of the checked sessions")
                .containsExactly("PUT", "CREATE", "BEGIN", "COPY", "MERGE", "COMMIT", "DROP", "REMOVE", "MERGE");
        assertThat(executor.statements.get(3)).startsWith("COPY INTO \"MARKET\".\"STOCK_INGEST\".\"STAGING_QUARANTINE_1727740800\"");
        assertThat(executor.statements.getLast()).startsWith("MERGE INTO \"MARKET\".\"STOCK_INGEST\".\"CHECKED_SESSIONS\"");

        RecordingExecutor failing = answering().failOn("COPY INTO");
        SnowflakeSink failingSink = sink(failing);
        failingSink.writeQuarantine(quarantined, CONTEXT);
        assertThatThrownBy(() -> failingSink.recordChecked(Interval.D1, checked, CONTEXT)).isInstanceOf(IngestException.class).hasMessageContaining("boom");
        assertThat(failing.statements).as("a quarantine that did not load: nothing recorded as checked").noneMatch(sql -> sql.contains("CHECKED_SESSIONS"));
    }
}
