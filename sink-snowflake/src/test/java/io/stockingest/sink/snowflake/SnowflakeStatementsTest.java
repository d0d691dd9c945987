package io.stockingest.sink.snowflake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SnowflakeStatementsTest {
    private final SnowflakeStatements sql = new SnowflakeStatements("market", "stock_ingest", null);
    private final SnowflakeStatements external = new SnowflakeStatements("market", "stock_ingest", "lake.public.lake_stage");

    private static List<String> golden(String name) throws IOException {
        try (InputStream in = SnowflakeStatementsTest.class.getResourceAsStream("/snowflake/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void migrationCreatesEverythingIdempotentlyAndRecordsItsVersion() throws IOException {
        List<String> plan = new SnowflakeMigration(sql).plan();

        assertThat(plan).containsExactlyElementsOf(golden("migration-plan.sql"));
        assertThat(plan).filteredOn(s -> s.startsWith("CREATE")).allSatisfy(s ->
                assertThat(s).matches("CREATE (SCHEMA|TABLE|FILE FORMAT|STAGE) IF NOT EXISTS .*|CREATE OR REPLACE VIEW .*"));
        assertThat(plan).filteredOn(s -> s.startsWith("CREATE TABLE")).extracting(s -> s.split("\"")[5])
                .containsExactly("SCHEMA_VERSION", "PRICES_DAILY", "PRICES_INTRADAY", "FUNDAMENTALS", "OPTION_SNAPSHOTS", "CORPORATE_ACTIONS",
                        "QUARANTINE", "INGEST_RUNS", "CHECKED_SESSIONS", "PRICE_FEATURES", "PRICE_CUMULATIVE_7D");
        List<String> views = List.of("STG_PRICES_DAILY", "STG_OPTION_SNAPSHOTS", "INT_OPTIONS_WITH_UNDERLYING", "MART_OPTIONS_STOCKS_JOINED");
        List<String> all = new ArrayList<>(views);
        all.addAll(views);
        all.addAll(List.of("MART_PRICE_FEATURES", "MART_PRICE_CUMULATIVE_7D"));
        assertThat(plan).as("version 1 creates the views, version 2 recreates them with the venue, version 4 adds the feature marts")
                .filteredOn(s -> s.startsWith("CREATE OR REPLACE VIEW")).extracting(s -> s.split("\"")[5]).containsExactlyElementsOf(all);
        assertThat(plan).filteredOn(s -> s.startsWith("ALTER") && s.contains("\"VENUE\"")).allSatisfy(s -> assertThat(s).contains("ADD COLUMN IF NOT EXISTS \"VENUE\" VARCHAR"))
                .hasSize(3);
        assertThat(plan).as("version 5: the option rows' last quote and last trade").filteredOn(s -> s.startsWith("ALTER") && s.contains("OPTION_SNAPSHOTS"))
                .extracting(s -> s.split("\"")[7]).containsExactly("BID", "ASK", "BID_SIZE", "ASK_SIZE", "MIDPOINT", "LAST_PRICE");
    }

    @Test
    void pricesDailyTableHasTheLakeColumnsAndKey() {
        assertThat(sql.createTable(SnowflakeTable.PRICES_DAILY)).isEqualTo("CREATE TABLE IF NOT EXISTS \"MARKET\".\"STOCK_INGEST\".\"PRICES_DAILY\""
                + " (\"SYMBOL\" VARCHAR NOT NULL, \"DATE\" DATE NOT NULL, \"OPEN\" FLOAT NOT NULL, \"HIGH\" FLOAT NOT NULL, \"LOW\" FLOAT NOT NULL,"
                + " \"CLOSE\" FLOAT NOT NULL, \"ADJ_CLOSE\" FLOAT, \"VOLUME\" NUMBER(19,0) NOT NULL, \"VWAP\" FLOAT, \"TRANSACTIONS\" NUMBER(19,0),"
                + " \"SOURCE\" VARCHAR NOT NULL, \"VENUE\" VARCHAR, \"INGEST_TS\" TIMESTAMP_TZ(6) NOT NULL, CONSTRAINT \"PK_PRICES_DAILY\" PRIMARY KEY (\"SYMBOL\", \"DATE\"))");
    }

    @Test
    void stageAndFileFormatAreNamedInTheSchema() {
        assertThat(sql.createFileFormat()).isEqualTo("CREATE FILE FORMAT IF NOT EXISTS \"MARKET\".\"STOCK_INGEST\".\"STOCK_INGEST_PARQUET\""
                + " TYPE = PARQUET USE_LOGICAL_TYPE = TRUE BINARY_AS_TEXT = FALSE");
        assertThat(sql.createInternalStage()).isEqualTo("CREATE STAGE IF NOT EXISTS \"MARKET\".\"STOCK_INGEST\".\"STOCK_INGEST_STAGE\""
                + " FILE_FORMAT = (FORMAT_NAME = '\"MARKET\".\"STOCK_INGEST\".\"STOCK_INGEST_PARQUET\"')"
                + " COMMENT = 'stock-ingest: Parquet files PUT by loads, removed after each load'");
    }

    @Test
    void featureMartsAreThinSelectsOverTheStoredFeatureTables() {
        assertThat(sql.createFeatureViews()).containsExactly(
                "CREATE OR REPLACE VIEW \"MARKET\".\"STOCK_INGEST\".\"MART_PRICE_FEATURES\" AS SELECT \"SYMBOL\", \"DATE\", \"CLOSE\", \"MA_20\","
                        + " \"MA_50\", \"VOLATILITY_20D\" FROM \"MARKET\".\"STOCK_INGEST\".\"PRICE_FEATURES\"",
                "CREATE OR REPLACE VIEW \"MARKET\".\"STOCK_INGEST\".\"MART_PRICE_CUMULATIVE_7D\" AS SELECT \"SYMBOL\", \"DATE\", \"OPENS\", \"HIGHS\","
                        + " \"LOWS\", \"CLOSES\", \"VOLUMES\", \"AVG_7_DAY_VOLUME\", \"VOLATILITY_7_DAY\" FROM \"MARKET\".\"STOCK_INGEST\".\"PRICE_CUMULATIVE_7D\"");
        assertThat(sql.createTable(SnowflakeTable.PRICE_CUMULATIVE_7D)).isEqualTo("CREATE TABLE IF NOT EXISTS \"MARKET\".\"STOCK_INGEST\".\"PRICE_CUMULATIVE_7D\""
                + " (\"SYMBOL\" VARCHAR NOT NULL, \"DATE\" DATE NOT NULL, \"OPENS\" VARIANT NOT NULL, \"HIGHS\" VARIANT NOT NULL, \"LOWS\" VARIANT NOT NULL,"
                + " \"CLOSES\" VARIANT NOT NULL, \"VOLUMES\" VARIANT NOT NULL, \"AVG_7_DAY_VOLUME\" FLOAT, \"VOLATILITY_7_DAY\" FLOAT,"
                + " \"INGEST_TS\" TIMESTAMP_TZ(6) NOT NULL, CONSTRAINT \"PK_PRICE_CUMULATIVE_7D\" PRIMARY KEY (\"SYMBOL\", \"DATE\"))");
    }

    @Test
    void intermediateViewJoinsOptionsWithTheirUnderlyingsDay() {
        assertThat(sql.createViews().get(2)).endsWith("LEFT JOIN \"MARKET\".\"STOCK_INGEST\".\"STG_PRICES_DAILY\" AS p"
                + " ON p.\"SYMBOL\" = o.\"UNDERLYING\" AND p.\"DATE\" = o.\"DATE\"");
    }

    @Test
    void mergeAndGateOfEveryTable() throws IOException {
        List<String> generated = new ArrayList<>();
        for (SnowflakeTable table : SnowflakeTable.values()) {
            generated.add(sql.merge(table, "1727740800"));
            if (!table.gate().isEmpty()) {
                generated.add(sql.gate(table, "1727740800"));
            }
        }

        assertThat(generated).containsExactlyElementsOf(golden("merges-and-gates.sql"));
        assertThatThrownBy(() -> sql.gate(SnowflakeTable.FUNDAMENTALS, "1")).hasMessage("fundamentals has no data-quality gate");
    }

    @Test
    void mergeDeduplicatesByKeyAndUpdatesOnlyChangedRows() {
        String merge = sql.merge(SnowflakeTable.CORPORATE_ACTIONS, "1727740800");

        assertThat(merge).startsWith("MERGE INTO \"MARKET\".\"STOCK_INGEST\".\"CORPORATE_ACTIONS\" AS t USING (SELECT * FROM"
                        + " \"MARKET\".\"STOCK_INGEST\".\"STAGING_CORPORATE_ACTIONS_1727740800\" QUALIFY ROW_NUMBER() OVER"
                        + " (PARTITION BY \"SYMBOL\", \"TYPE\", \"EX_DATE\" ORDER BY \"INGEST_TS\" DESC) = 1) AS s"
                        + " ON t.\"SYMBOL\" = s.\"SYMBOL\" AND t.\"TYPE\" = s.\"TYPE\" AND t.\"EX_DATE\" = s.\"EX_DATE\""
                        + " WHEN MATCHED AND (t.\"AMOUNT\" IS DISTINCT FROM s.\"AMOUNT\" OR")
                .doesNotContain("t.\"INGEST_TS\" IS DISTINCT FROM")
                .contains("THEN UPDATE SET \"AMOUNT\" = s.\"AMOUNT\"")
                .contains("\"INGEST_TS\" = s.\"INGEST_TS\" WHEN NOT MATCHED THEN INSERT (");
    }

    @Test
    void internalStageLoadPutsFilesUnderTheRunFolder() {
        assertThat(sql.put(Path.of("/tmp/stock ingest/run-17/prices_daily-00001.parquet"), SnowflakeTable.PRICES_DAILY, "17"))
                .isEqualTo("PUT 'file:///tmp/stock ingest/run-17/prices_daily-00001.parquet'"
                        + " @\"MARKET\".\"STOCK_INGEST\".\"STOCK_INGEST_STAGE\"/run-17/prices_daily/ AUTO_COMPRESS = FALSE OVERWRITE = TRUE");
        assertThat(sql.createStaging(SnowflakeTable.PRICES_DAILY, "17")).isEqualTo(
                "CREATE OR REPLACE TRANSIENT TABLE \"MARKET\".\"STOCK_INGEST\".\"STAGING_PRICES_DAILY_17\" LIKE \"MARKET\".\"STOCK_INGEST\".\"PRICES_DAILY\"");
        assertThat(sql.copies(SnowflakeTable.PRICES_DAILY, "17", List.of("prices_daily-00001.parquet", "prices_daily-00002.parquet")))
                .containsExactly("COPY INTO \"MARKET\".\"STOCK_INGEST\".\"STAGING_PRICES_DAILY_17\""
                        + " FROM @\"MARKET\".\"STOCK_INGEST\".\"STOCK_INGEST_STAGE\"/run-17/prices_daily/"
                        + " FILES = ('prices_daily-00001.parquet', 'prices_daily-00002.parquet')"
                        + " FILE_FORMAT = (FORMAT_NAME = '\"MARKET\".\"STOCK_INGEST\".\"STOCK_INGEST_PARQUET\"')"
                        + " MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT");
        assertThat(sql.dropStaging(SnowflakeTable.PRICES_DAILY, "17")).isEqualTo("DROP TABLE IF EXISTS \"MARKET\".\"STOCK_INGEST\".\"STAGING_PRICES_DAILY_17\"");
        assertThat(sql.removeStaged(SnowflakeTable.PRICES_DAILY, "17")).isEqualTo("REMOVE @\"MARKET\".\"STOCK_INGEST\".\"STOCK_INGEST_STAGE\"/run-17/prices_daily/");
    }

    @Test
    void externalStageLoadReadsLakeKeysFromTheStageRootAndNeverRemovesThem() {
        assertThat(external.copies(SnowflakeTable.OPTION_SNAPSHOTS, "17", List.of("raw/options/underlying=SPY/date=2024-09-30/SPY-2024-09-30.parquet")))
                .containsExactly("COPY INTO \"MARKET\".\"STOCK_INGEST\".\"STAGING_OPTION_SNAPSHOTS_17\" FROM @\"LAKE\".\"PUBLIC\".\"LAKE_STAGE\""
                        + " FILES = ('raw/options/underlying=SPY/date=2024-09-30/SPY-2024-09-30.parquet')"
                        + " FILE_FORMAT = (FORMAT_NAME = '\"MARKET\".\"STOCK_INGEST\".\"STOCK_INGEST_PARQUET\"')"
                        + " MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT");
        assertThat(new SnowflakeStatements("market", "stock_ingest", "lake_stage").stageLocation(SnowflakeTable.PRICES_DAILY, "17"))
                .isEqualTo("@\"MARKET\".\"STOCK_INGEST\".\"LAKE_STAGE\"");
        assertThatThrownBy(() -> external.removeStaged(SnowflakeTable.PRICES_DAILY, "17"))
                .hasMessage("files in the external stage belong to the lake and are never removed");
    }

    @Test
    void copyListsAtMostOneThousandFilesEach() {
        List<String> files = IntStream.rangeClosed(1, 2001).mapToObj(i -> SnowflakeSink.fileName(SnowflakeTable.PRICES_DAILY, i)).toList();

        List<String> copies = sql.copies(SnowflakeTable.PRICES_DAILY, "17", files);

        assertThat(copies).hasSize(3);
        assertThat(copies).extracting(c -> c.split("\\.parquet'").length - 1).containsExactly(1000, 1000, 1);
        assertThat(copies.get(0)).contains("FILES = ('prices_daily-00001.parquet', ").contains("'prices_daily-01000.parquet')");
        assertThat(copies.get(1)).contains("FILES = ('prices_daily-01001.parquet', ").contains("'prices_daily-02000.parquet')");
        assertThat(copies.get(2)).contains("FILES = ('prices_daily-02001.parquet')");
        assertThat(sql.copies(SnowflakeTable.PRICES_DAILY, "17", files.subList(0, 1000))).hasSize(1);
        assertThatThrownBy(() -> sql.copies(SnowflakeTable.PRICES_DAILY, "17", List.of())).hasMessage("a COPY needs at least one file");
    }

    @Test
    void oddDatabaseSchemaAndStageNamesAreQuotedEverywhere() {
        SnowflakeStatements odd = new SnowflakeStatements("my db", "we\"ird", "\"Lake Stage\"");

        assertThat(odd.createSchema()).isEqualTo("CREATE SCHEMA IF NOT EXISTS \"my db\".\"we\"\"ird\"");
        assertThat(odd.table(SnowflakeTable.PRICES_DAILY)).isEqualTo("\"my db\".\"we\"\"ird\".\"PRICES_DAILY\"");
        assertThat(odd.stageLocation(SnowflakeTable.PRICES_DAILY, "1")).isEqualTo("@\"my db\".\"we\"\"ird\".\"Lake Stage\"");
        assertThat(odd.copies(SnowflakeTable.PRICES_DAILY, "1", List.of("raw/it's.parquet")).getFirst())
                .contains("FILES = ('raw/it''s.parquet')")
                .contains("FORMAT_NAME = '\"my db\".\"we\"\"ird\".\"STOCK_INGEST_PARQUET\"'");
        assertThat(odd.staging(SnowflakeTable.PRICES_DAILY, "1727740800-2")).isEqualTo("\"my db\".\"we\"\"ird\".\"STAGING_PRICES_DAILY_1727740800_2\"");
    }
}
