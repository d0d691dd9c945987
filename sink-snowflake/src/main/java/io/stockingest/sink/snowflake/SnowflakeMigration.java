package io.stockingest.sink.snowflake;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code db migrate --sink snowflake}: creates the schema, the tables, the internal stage, the Parquet file format
 * and the layered views. Versioned in {@code schema_version}: each version's statements run once, and all of them
 * are idempotent ({@code IF NOT EXISTS}, {@code CREATE OR REPLACE VIEW}), so a migration interrupted half-way is
 * simply run again. Snowflake commits every DDL statement on its own, so versions are not wrapped in transactions.
 */
public final class SnowflakeMigration {
    /** One schema version. */
    public record Version(int number, String description, List<String> statements) {
        public Version {
            requireNonNull(description, "description is null");
            statements = List.copyOf(statements);
        }
    }

    private final SnowflakeStatements sql;

    public SnowflakeMigration(SnowflakeStatements sql) {
        this.sql = requireNonNull(sql, "sql is null");
    }

    public List<Version> versions() {
        List<String> v1 = new ArrayList<>();
        v1.add(sql.createFileFormat());
        v1.add(sql.createInternalStage());
        for (SnowflakeTable table : SnowflakeTable.values()) {
            if (!table.feature()) {
                v1.add(sql.createTable(table));
            }
        }
        v1.add(sql.createIngestRunsTable());
        v1.addAll(sql.createViews());
        List<String> v2 = new ArrayList<>();
        for (SnowflakeTable table : List.of(SnowflakeTable.PRICES_DAILY, SnowflakeTable.PRICES_INTRADAY, SnowflakeTable.QUARANTINE)) {
            v2.add(sql.addColumn(table, "venue"));
        }
        v2.addAll(sql.createViews()); // stg_prices_daily shows the venue
        List<String> v4 = new ArrayList<>();
        for (SnowflakeTable table : SnowflakeTable.values()) {
            if (table.feature()) {
                v4.add(sql.createTable(table));
            }
        }
        v4.addAll(sql.createFeatureViews());
        List<String> v5 = new ArrayList<>();
        for (String column : List.of("bid", "ask", "bid_size", "ask_size", "midpoint", "last_price")) {
            v5.add(sql.addColumn(SnowflakeTable.OPTION_SNAPSHOTS, column));
        }
        return List.of(new Version(1, "tables, internal stage, Parquet file format, layered views", v1),
                new Version(2, "venue column on the price and quarantine tables", v2),
                new Version(3, "checked sessions", List.of(sql.createCheckedSessionsTable())),
                new Version(4, "feature tables loaded with the prices; feature marts select from them", v4),
                new Version(5, "option_snapshots: last quote and last trade", v5));
    }

    /** The statements a migration from scratch runs, in order (for {@code --dry-run}). */
    public List<String> plan() {
        List<String> plan = new ArrayList<>(List.of(sql.createSchema(), sql.createSchemaVersionTable(), sql.currentVersion()));
        for (Version version : versions()) {
            plan.addAll(version.statements());
            plan.add(sql.recordVersion(version.number(), version.description()));
        }
        return plan;
    }

    /**
     * Brings the schema to the newest version.
     *
     * @return the versions applied (empty when the schema was current)
     */
    public List<Integer> migrate(SqlExecutor executor) {
        executor.execute(sql.createSchema());
        executor.execute(sql.createSchemaVersionTable());
        var rows = executor.query(sql.currentVersion());
        int current = rows.isEmpty() || rows.getFirst().get("VERSION") == null ? 0 : ((Number) rows.getFirst().get("VERSION")).intValue();
        List<Integer> applied = new ArrayList<>();
        for (Version version : versions()) {
            if (version.number() > current) {
                version.statements().forEach(executor::execute);
                executor.execute(sql.recordVersion(version.number(), version.description()));
                applied.add(version.number());
            }
        }
        return applied;
    }
}
