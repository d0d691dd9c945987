package io.stockingest.sink.snowflake;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.metrics.RunReport;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every SQL statement the sink and the migration run, as text. Identifiers are always double-quoted (see
 * {@link Sql#id}); everything is qualified with the configured database and schema, so no statement depends on
 * the session's current schema.
 *
 * <p>Immutable and thread-safe.
 */
public final class SnowflakeStatements {
    /** The named internal stage and Parquet file format the migration creates. */
    public static final String INTERNAL_STAGE = "stock_ingest_stage";
    public static final String FILE_FORMAT = "stock_ingest_parquet";
    public static final String SCHEMA_VERSION = "schema_version";
    /** Schema version 3 (issue 19). */
    public static final String CHECKED_SESSIONS = "checked_sessions";
    public static final String INGEST_RUNS = "ingest_runs";
    /** COPY's FILES list takes at most this many names. */
    public static final int MAX_FILES_PER_COPY = 1000;

    private final String database;
    private final String schema;
    private final String externalStage;

    public SnowflakeStatements(String database, String schema, String externalStage) {
        this.database = requireNonNull(database, "database is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.externalStage = externalStage;
        Sql.id(database);
        Sql.id(schema);
        if (externalStage != null) {
            Sql.parts(externalStage);
        }
    }

    public static SnowflakeStatements of(SnowflakeConfig config) {
        return new SnowflakeStatements(config.database(), config.schema(), config.externalStage());
    }

    /** A name in the configured schema, quoted: {@code "DB"."SCHEMA"."PRICES_DAILY"}. */
    public String object(String name) {
        return Sql.id(database) + "." + Sql.id(schema) + "." + Sql.id(name);
    }

    public String table(SnowflakeTable table) {
        return object(table.tableName());
    }

    public boolean externalStage() {
        return externalStage != null;
    }

    // ---------------------------------------------------------------- schema migration

    public String createSchema() {
        return "CREATE SCHEMA IF NOT EXISTS " + Sql.id(database) + "." + Sql.id(schema);
    }

    public String createSchemaVersionTable() {
        return "CREATE TABLE IF NOT EXISTS " + object(SCHEMA_VERSION)
                + " (\"VERSION\" NUMBER(10,0) NOT NULL, \"DESCRIPTION\" VARCHAR NOT NULL, \"APPLIED_AT\" TIMESTAMP_TZ(6) NOT NULL,"
                + " CONSTRAINT \"PK_SCHEMA_VERSION\" PRIMARY KEY (\"VERSION\"))";
    }

    public String currentVersion() {
        return "SELECT COALESCE(MAX(\"VERSION\"), 0) AS \"VERSION\" FROM " + object(SCHEMA_VERSION);
    }

    public String recordVersion(int version, String description) {
        return "INSERT INTO " + object(SCHEMA_VERSION) + " (\"VERSION\", \"DESCRIPTION\", \"APPLIED_AT\") SELECT " + version + ", "
                + Sql.literal(description) + ", CURRENT_TIMESTAMP() WHERE NOT EXISTS (SELECT 1 FROM " + object(SCHEMA_VERSION)
                + " WHERE \"VERSION\" = " + version + ")";
    }

    public String createFileFormat() {
        return "CREATE FILE FORMAT IF NOT EXISTS " + object(FILE_FORMAT) + " TYPE = PARQUET USE_LOGICAL_TYPE = TRUE BINARY_AS_TEXT = FALSE";
    }

    public String createInternalStage() {
        return "CREATE STAGE IF NOT EXISTS " + object(INTERNAL_STAGE) + " FILE_FORMAT = (FORMAT_NAME = " + Sql.literal(object(FILE_FORMAT))
                + ") COMMENT = 'stock-ingest: Parquet files PUT by loads, removed after each load'";
    }

    /**
     * Adds a nullable column the lake schema gained after version 1 ({@code venue}) to a table created before it;
     * a no-op on a table created with it.
     */
    public String addColumn(SnowflakeTable table, String column) {
        SnowflakeTable.Column c = table.columns().stream().filter(col -> col.name().equals(column)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No column " + column + " in " + table.tableName()));
        return "ALTER TABLE IF EXISTS " + table(table) + " ADD COLUMN IF NOT EXISTS " + Sql.id(c.name()) + " " + c.type();
    }

    public String createTable(SnowflakeTable table) {
        String columns = table.columns().stream()
                .map(c -> Sql.id(c.name()) + " " + c.type() + (c.required() ? " NOT NULL" : ""))
                .collect(Collectors.joining(", "));
        return "CREATE TABLE IF NOT EXISTS " + table(table) + " (" + columns + ", CONSTRAINT "
                + Sql.id("pk_" + table.tableName()) + " PRIMARY KEY (" + ids(table.key()) + "))";
    }

    public String createIngestRunsTable() {
        return "CREATE TABLE IF NOT EXISTS " + object(INGEST_RUNS) + " (\"RUN_ID\" VARCHAR NOT NULL, \"COMMAND\" VARCHAR, \"SOURCE\" VARCHAR,"
                + " \"STARTED_AT\" TIMESTAMP_TZ(6), \"FINISHED_AT\" TIMESTAMP_TZ(6), \"STATUS\" VARCHAR, \"EXIT_CODE\" NUMBER(10,0),"
                + " \"ROWS_WRITTEN\" NUMBER(19,0), \"ROWS_QUARANTINED\" NUMBER(19,0), \"REPORT\" VARIANT,"
                + " CONSTRAINT \"PK_INGEST_RUNS\" PRIMARY KEY (\"RUN_ID\"))";
    }

    /**
     * The layered views of schema version 1, in dependency order: staging, intermediate, marts (the feature marts are
     * version 4's, {@link #createFeatureViews}).
     */
    public List<String> createViews() {
        String pd = table(SnowflakeTable.PRICES_DAILY);
        String os = table(SnowflakeTable.OPTION_SNAPSHOTS);
        List<String> views = new ArrayList<>();
        views.add(view("stg_prices_daily", "SELECT \"SYMBOL\", \"DATE\", \"OPEN\", \"HIGH\", \"LOW\", \"CLOSE\", \"ADJ_CLOSE\","
                + " COALESCE(\"ADJ_CLOSE\", \"CLOSE\") AS \"PRICE\", \"VOLUME\", \"VWAP\", \"TRANSACTIONS\", \"SOURCE\", \"VENUE\","
                + " \"INGEST_TS\" FROM " + pd + " WHERE \"CLOSE\" > 0"));
        views.add(view("stg_option_snapshots", "SELECT \"CONTRACT\", \"UNDERLYING\", LOWER(\"CONTRACT_TYPE\") AS \"CONTRACT_TYPE\","
                + " LOWER(\"EXERCISE_STYLE\") AS \"EXERCISE_STYLE\", \"STRIKE\", \"EXPIRATION\", DATEDIFF('day', \"DATE\", \"EXPIRATION\") AS \"DAYS_TO_EXPIRY\","
                + " \"SHARES_PER_CONTRACT\", \"DAY_OPEN\", \"DAY_HIGH\", \"DAY_LOW\", \"DAY_CLOSE\", \"DAY_VOLUME\", \"DAY_VWAP\", \"OPEN_INTEREST\","
                + " \"IMPLIED_VOLATILITY\", \"DELTA\", \"GAMMA\", \"THETA\", \"VEGA\", \"BREAK_EVEN_PRICE\", \"UNDERLYING_PRICE\", \"SNAPSHOT_TIME\","
                + " \"DATE\", \"SOURCE\", \"INGEST_TS\" FROM " + os));
        views.add(view("int_options_with_underlying", "SELECT o.*, p.\"OPEN\" AS \"UNDERLYING_OPEN\", p.\"HIGH\" AS \"UNDERLYING_HIGH\","
                + " p.\"LOW\" AS \"UNDERLYING_LOW\", p.\"CLOSE\" AS \"UNDERLYING_CLOSE\", p.\"VOLUME\" AS \"UNDERLYING_VOLUME\""
                + " FROM " + object("stg_option_snapshots") + " AS o LEFT JOIN " + object("stg_prices_daily") + " AS p"
                + " ON p.\"SYMBOL\" = o.\"UNDERLYING\" AND p.\"DATE\" = o.\"DATE\""));
        views.add(view("mart_options_stocks_joined", "SELECT \"DATE\", \"UNDERLYING\", \"CONTRACT\", \"CONTRACT_TYPE\", \"STRIKE\","
                + " \"EXPIRATION\", \"DAYS_TO_EXPIRY\", \"DAY_CLOSE\" AS \"OPTION_CLOSE\", \"DAY_VOLUME\" AS \"OPTION_VOLUME\", \"OPEN_INTEREST\","
                + " \"IMPLIED_VOLATILITY\", \"DELTA\", \"GAMMA\", \"THETA\", \"VEGA\", \"UNDERLYING_OPEN\", \"UNDERLYING_HIGH\", \"UNDERLYING_LOW\","
                + " \"UNDERLYING_CLOSE\", \"UNDERLYING_VOLUME\", \"UNDERLYING_CLOSE\" / NULLIF(\"STRIKE\", 0) AS \"MONEYNESS\","
                + " CASE \"CONTRACT_TYPE\" WHEN 'call' THEN GREATEST(\"UNDERLYING_CLOSE\" - \"STRIKE\", 0)"
                + " WHEN 'put' THEN GREATEST(\"STRIKE\" - \"UNDERLYING_CLOSE\", 0) END AS \"INTRINSIC_VALUE\""
                + " FROM " + object("int_options_with_underlying")));
        return views;
    }

    /**
     * The feature marts (schema version 4): thin selects over the tables the loads fill with the pipeline's features
     * (PRODUCT.md's {@code price_features} and {@code price_cumulative_7d}, the same values PostgreSQL and the lake
     * hold), instead of window functions recomputed at every query.
     */
    public List<String> createFeatureViews() {
        return List.of(
                view("mart_price_features", "SELECT \"SYMBOL\", \"DATE\", \"CLOSE\", \"MA_20\", \"MA_50\", \"VOLATILITY_20D\" FROM "
                        + table(SnowflakeTable.PRICE_FEATURES)),
                view("mart_price_cumulative_7d", "SELECT \"SYMBOL\", \"DATE\", \"OPENS\", \"HIGHS\", \"LOWS\", \"CLOSES\", \"VOLUMES\","
                        + " \"AVG_7_DAY_VOLUME\", \"VOLATILITY_7_DAY\" FROM " + table(SnowflakeTable.PRICE_CUMULATIVE_7D)));
    }

    /**
     * The stored daily sessions the features of a load need, per symbol: the last {@code sessions} before its first
     * loaded date ({@code PART = 'tail'}) and every one from that date on ({@code PART = 'from'}: those between the
     * loaded bars, such as the sessions after a late bar, and those after the last of them), with columns
     * {@code PART, SYMBOL, DATE, OPEN, HIGH, LOW, CLOSE, VOLUME}.
     */
    public String storedSessions(java.util.Map<io.stockingest.core.model.Symbol, java.time.LocalDate> firstLoaded, int sessions) {
        return storedTail(firstLoaded, sessions) + " UNION ALL SELECT 'from' AS \"PART\", " + STORED_COLUMNS + storedJoin(firstLoaded)
                + " WHERE p.\"DATE\" >= l.\"FIRST\"";
    }

    /** The first part of {@link #storedSessions} alone: per symbol the last {@code sessions} stored before its date. */
    public String storedTail(java.util.Map<io.stockingest.core.model.Symbol, java.time.LocalDate> first, int sessions) {
        return "SELECT 'tail' AS \"PART\", " + STORED_COLUMNS + storedJoin(first) + " WHERE p.\"DATE\" < l.\"FIRST\""
                + " QUALIFY ROW_NUMBER() OVER (PARTITION BY p.\"SYMBOL\" ORDER BY p.\"DATE\" DESC) <= " + sessions;
    }

    /** The symbols whose given session has no {@code price_features} row, in a column {@code SYMBOL}. */
    public String withoutFeatures(java.util.Map<io.stockingest.core.model.Symbol, java.time.LocalDate> sessions) {
        String spans = sessions.entrySet().stream().map(e -> "(" + Sql.literal(e.getKey().value()) + ", " + Sql.literal(e.getValue().toString()) + ")")
                .collect(Collectors.joining(", "));
        return "SELECT l.\"SYMBOL\" FROM (SELECT COLUMN1 AS \"SYMBOL\", TO_DATE(COLUMN2) AS \"DATE\" FROM VALUES " + spans + ") AS l"
                + " LEFT JOIN " + table(SnowflakeTable.PRICE_FEATURES) + " AS f ON f.\"SYMBOL\" = l.\"SYMBOL\" AND f.\"DATE\" = l.\"DATE\""
                + " WHERE f.\"SYMBOL\" IS NULL";
    }

    private static final String STORED_COLUMNS = "p.\"SYMBOL\", p.\"DATE\", p.\"OPEN\", p.\"HIGH\", p.\"LOW\", p.\"CLOSE\", p.\"VOLUME\"";

    private String storedJoin(java.util.Map<io.stockingest.core.model.Symbol, java.time.LocalDate> first) {
        String spans = first.entrySet().stream().map(e -> "(" + Sql.literal(e.getKey().value()) + ", " + Sql.literal(e.getValue().toString()) + ")")
                .collect(Collectors.joining(", "));
        return " FROM " + table(SnowflakeTable.PRICES_DAILY) + " AS p JOIN (SELECT COLUMN1 AS \"SYMBOL\", TO_DATE(COLUMN2) AS \"FIRST\""
                + " FROM VALUES " + spans + ") AS l ON p.\"SYMBOL\" = l.\"SYMBOL\"";
    }

    private String view(String name, String query) {
        return "CREATE OR REPLACE VIEW " + object(name) + " AS " + query;
    }

    // ---------------------------------------------------------------- loads

    /** The transient staging table of one table's load in one run: {@code "STAGING_PRICES_DAILY_<RUN>"}. */
    public String staging(SnowflakeTable table, String runId) {
        return object("staging_" + table.tableName() + "_" + runId.replaceAll("[^A-Za-z0-9_]", "_"));
    }

    /** Where a run's files are: a folder of the internal stage, or the external stage's root. */
    public String stageLocation(SnowflakeTable table, String runId) {
        if (externalStage != null) {
            List<String> parts = Sql.parts(externalStage);
            if (parts.size() == 1) {
                return "@" + object(parts.getFirst());
            }
            return "@" + Sql.qualified(externalStage);
        }
        return "@" + object(INTERNAL_STAGE) + "/run-" + runId + "/" + table.tableName() + "/";
    }

    public String put(java.nio.file.Path file, SnowflakeTable table, String runId) {
        return "PUT " + Sql.literal("file://" + file.toAbsolutePath()) + " "
                + stageLocation(table, runId) + " AUTO_COMPRESS = FALSE OVERWRITE = TRUE";
    }

    public String createStaging(SnowflakeTable table, String runId) {
        return "CREATE OR REPLACE TRANSIENT TABLE " + staging(table, runId) + " LIKE " + table(table);
    }

    /** One COPY per at most {@value #MAX_FILES_PER_COPY} files. */
    public List<String> copies(SnowflakeTable table, String runId, List<String> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("a COPY needs at least one file");
        }
        List<String> copies = new ArrayList<>();
        for (int from = 0; from < files.size(); from += MAX_FILES_PER_COPY) {
            List<String> part = files.subList(from, Math.min(files.size(), from + MAX_FILES_PER_COPY));
            copies.add("COPY INTO " + staging(table, runId) + " FROM " + stageLocation(table, runId)
                    + " FILES = (" + part.stream().map(Sql::literal).collect(Collectors.joining(", ")) + ")"
                    + " FILE_FORMAT = (FORMAT_NAME = " + Sql.literal(object(FILE_FORMAT)) + ")"
                    + " MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT");
        }
        return copies;
    }

    /** Counts the staged rows and, per rule, the rows that break it (columns {@code ROWS} and the upper-cased rule names). */
    public String gate(SnowflakeTable table, String runId) {
        if (table.gate().isEmpty()) {
            throw new IllegalArgumentException(table.tableName() + " has no data-quality gate");
        }
        return "SELECT COUNT(*) AS \"ROWS\", " + table.gate().stream()
                .map(rule -> "COUNT_IF(" + rule.violationSql(SnowflakeTable.DIALECT) + ") AS " + Sql.id(rule.name()))
                .collect(Collectors.joining(", ")) + " FROM " + staging(table, runId);
    }

    /**
     * Upserts the staged rows into the target: the newest row per key ({@code ROW_NUMBER()} over {@code ingest_ts}),
     * updating only rows whose values (other than {@code ingest_ts}) differ, so a rerun changes nothing.
     */
    public String merge(SnowflakeTable table, String runId) {
        List<String> columns = table.columns().stream().map(SnowflakeTable.Column::name).toList();
        List<String> values = columns.stream().filter(c -> !table.key().contains(c) && !c.equals("ingest_ts")).toList();
        List<String> updated = columns.stream().filter(c -> !table.key().contains(c)).toList();
        return "MERGE INTO " + table(table) + " AS t USING (SELECT * FROM " + staging(table, runId)
                + " QUALIFY ROW_NUMBER() OVER (PARTITION BY " + ids(table.key()) + " ORDER BY \"INGEST_TS\" DESC) = 1) AS s"
                + " ON " + table.key().stream().map(k -> "t." + Sql.id(k) + " = s." + Sql.id(k)).collect(Collectors.joining(" AND "))
                + " WHEN MATCHED AND (" + values.stream().map(c -> "t." + Sql.id(c) + " IS DISTINCT FROM s." + Sql.id(c))
                        .collect(Collectors.joining(" OR ")) + ")"
                + " THEN UPDATE SET " + updated.stream().map(c -> Sql.id(c) + " = s." + Sql.id(c)).collect(Collectors.joining(", "))
                + " WHEN NOT MATCHED THEN INSERT (" + ids(columns) + ") VALUES ("
                + columns.stream().map(c -> "s." + Sql.id(c)).collect(Collectors.joining(", ")) + ")";
    }

    public String dropStaging(SnowflakeTable table, String runId) {
        return "DROP TABLE IF EXISTS " + staging(table, runId);
    }

    /** Removes a load's files from the internal stage (an external stage is the lake: never touched). */
    public String removeStaged(SnowflakeTable table, String runId) {
        if (externalStage != null) {
            throw new IllegalStateException("files in the external stage belong to the lake and are never removed");
        }
        return "REMOVE " + stageLocation(table, runId);
    }

    /** Upserts the run's metrics document into {@code ingest_runs} (the document is already secret-free). */
    public String mergeRun(RunReport report) {
        String source = "SELECT " + Sql.literal(report.runId()) + " AS \"RUN_ID\", " + Sql.literal(report.command()) + " AS \"COMMAND\", "
                + Sql.literal(report.source()) + " AS \"SOURCE\", " + timestamp(report.startedAt()) + " AS \"STARTED_AT\", "
                + timestamp(report.finishedAt()) + " AS \"FINISHED_AT\", " + Sql.literal(report.status()) + " AS \"STATUS\", "
                + report.exitCode() + " AS \"EXIT_CODE\", " + report.rowsWritten() + " AS \"ROWS_WRITTEN\", "
                + report.rowsQuarantined() + " AS \"ROWS_QUARANTINED\", PARSE_JSON(" + Sql.literal(report.toJson()) + ") AS \"REPORT\"";
        List<String> columns = List.of("RUN_ID", "COMMAND", "SOURCE", "STARTED_AT", "FINISHED_AT", "STATUS", "EXIT_CODE", "ROWS_WRITTEN",
                "ROWS_QUARANTINED", "REPORT");
        return "MERGE INTO " + object(INGEST_RUNS) + " AS t USING (" + source + ") AS s ON t.\"RUN_ID\" = s.\"RUN_ID\""
                + " WHEN MATCHED THEN UPDATE SET " + columns.stream().skip(1).map(c -> Sql.id(c) + " = s." + Sql.id(c)).collect(Collectors.joining(", "))
                + " WHEN NOT MATCHED THEN INSERT (" + ids(columns) + ") VALUES ("
                + columns.stream().map(c -> "s." + Sql.id(c)).collect(Collectors.joining(", ")) + ")";
    }

    // ---------------------------------------------------------------- stored and checked sessions (issue 19)

    /** Schema version 3: the sessions runs checked and found without a bar to store (see docs/lake-layout.md). */
    public String createCheckedSessionsTable() {
        return "CREATE TABLE IF NOT EXISTS " + object(CHECKED_SESSIONS) + " (\"SYMBOL\" VARCHAR NOT NULL, \"INTERVAL\" VARCHAR NOT NULL,"
                + " \"DATE\" DATE NOT NULL, \"REASON\" VARCHAR NOT NULL, \"RUN_ID\" VARCHAR NOT NULL, \"CHECKED_AT\" TIMESTAMP_TZ(6) NOT NULL,"
                + " CONSTRAINT \"PK_CHECKED_SESSIONS\" PRIMARY KEY (\"SYMBOL\", \"INTERVAL\", \"DATE\"))";
    }

    /** The daily sessions stored per symbol in {@code range}: one query (columns SYMBOL, DATE). */
    public String selectStoredSessions(java.util.Collection<String> symbols, LocalDate from, LocalDate to) {
        return "SELECT DISTINCT \"SYMBOL\", \"DATE\" FROM " + table(SnowflakeTable.PRICES_DAILY) + " WHERE \"SYMBOL\" IN ("
                + symbols.stream().map(Sql::literal).collect(Collectors.joining(", ")) + ") AND \"DATE\" BETWEEN "
                + dateLiteral(from) + " AND " + dateLiteral(to);
    }

    /** The checked sessions per symbol of {@code interval} in the range: one query (columns SYMBOL, DATE, REASON). */
    public String selectCheckedSessions(java.util.Collection<String> symbols, String interval, LocalDate from, LocalDate to) {
        return "SELECT \"SYMBOL\", \"DATE\", \"REASON\" FROM " + object(CHECKED_SESSIONS) + " WHERE \"SYMBOL\" IN ("
                + symbols.stream().map(Sql::literal).collect(Collectors.joining(", ")) + ") AND \"INTERVAL\" = " + Sql.literal(interval)
                + " AND \"DATE\" BETWEEN " + dateLiteral(from) + " AND " + dateLiteral(to);
    }

    /**
     * Records checked sessions ({@code symbol → date → reason}) in one MERGE; a session already recorded (another shard,
     * an earlier run) keeps its first record.
     */
    public String mergeCheckedSessions(String interval, java.util.Map<String, java.util.Map<LocalDate, String>> checked, String runId, Instant at) {
        List<String> rows = new java.util.ArrayList<>();
        checked.forEach((symbol, sessions) -> sessions.forEach((date, reason) -> rows.add("(" + Sql.literal(symbol) + ", " + Sql.literal(interval)
                + ", " + dateLiteral(date) + ", " + Sql.literal(reason) + ")")));
        return "MERGE INTO " + object(CHECKED_SESSIONS) + " AS t USING (SELECT column1 AS \"SYMBOL\", column2 AS \"INTERVAL\", column3 AS \"DATE\","
                + " column4 AS \"REASON\" FROM VALUES " + String.join(", ", rows) + ") AS s"
                + " ON t.\"SYMBOL\" = s.\"SYMBOL\" AND t.\"INTERVAL\" = s.\"INTERVAL\" AND t.\"DATE\" = s.\"DATE\""
                + " WHEN NOT MATCHED THEN INSERT (\"SYMBOL\", \"INTERVAL\", \"DATE\", \"REASON\", \"RUN_ID\", \"CHECKED_AT\")"
                + " VALUES (s.\"SYMBOL\", s.\"INTERVAL\", s.\"DATE\", s.\"REASON\", " + Sql.literal(runId) + ", " + timestamp(at) + ")";
    }

    private static String dateLiteral(LocalDate date) {
        return "TO_DATE(" + Sql.literal(date.toString()) + ")";
    }

    private static String timestamp(Instant instant) {
        return instant == null ? "NULL" : "TO_TIMESTAMP_TZ(" + Sql.literal(instant.toString()) + ")";
    }

    private static String ids(List<String> names) {
        return names.stream().map(Sql::id).collect(Collectors.joining(", "));
    }
}
