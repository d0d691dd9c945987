package io.stockingest.sink.snowflake;

import io.stockingest.core.rules.RowRule;
import io.stockingest.core.rules.RowRules;
import io.stockingest.core.rules.SqlDialect;
import io.stockingest.lake.LakeSchemas;
import java.util.List;
import java.util.Locale;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * The tables loaded from Parquet, with the lake's snake_case columns: each one's columns come from the lake's Avro
 * schema ({@link LakeSchemas}), so the staged files and the table can never disagree. {@code ingest_runs} is
 * not here: it is written from the run report, not from files.
 */
public enum SnowflakeTable {
    PRICES_DAILY("prices_daily", LakeSchemas.DAILY, List.of("symbol", "date"), Gates.PRICES),
    /** Loaded after {@code prices_daily}, only when its load passed the gate. */
    PRICE_FEATURES("price_features", LakeSchemas.FEATURES, List.of("symbol", "date"), List.of()),
    PRICE_CUMULATIVE_7D("price_cumulative_7d", LakeSchemas.CUMULATIVE_7D, List.of("symbol", "date"), List.of()),
    PRICES_INTRADAY("prices_intraday", LakeSchemas.INTRADAY, List.of("symbol", "interval", "ts"), Gates.PRICES),
    FUNDAMENTALS("fundamentals", LakeSchemas.STATEMENT, List.of("symbol", "statement_type", "period", "period_end"), List.of()),
    OPTION_SNAPSHOTS("option_snapshots", LakeSchemas.OPTION, List.of("contract", "date"), Gates.OPTIONS),
    CORPORATE_ACTIONS("corporate_actions", LakeSchemas.ACTION, List.of("symbol", "type", "ex_date"), List.of()),
    QUARANTINE("quarantine", LakeSchemas.QUARANTINE, List.of("run_id", "symbol", "interval", "ts", "rule"), List.of());

    private final String tableName;
    private final Schema schema;
    private final List<String> key;
    private final List<RowRule<?>> gate;

    SnowflakeTable(String tableName, Schema schema, List<String> key, List<RowRule<?>> gate) {
        this.tableName = tableName;
        this.schema = schema;
        this.key = key;
        this.gate = gate;
    }

    /** The snake_case table name, e.g. {@code prices_daily}. */
    public String tableName() {
        return tableName;
    }

    /** The lake schema of the staged files. */
    public Schema schema() {
        return schema;
    }

    /** The merge key (PRODUCT.md's table keys). */
    public List<String> key() {
        return key;
    }

    /** The row rules checked on staging before the merge; empty for tables without a gate. */
    public List<RowRule<?>> gate() {
        return gate;
    }

    /** One of the feature tables (schema version 4), computed from the daily bars rather than read from a source. */
    public boolean feature() {
        return this == PRICE_FEATURES || this == PRICE_CUMULATIVE_7D;
    }

    public List<Column> columns() {
        return schema.getFields().stream().map(f -> new Column(f.name(), sqlType(f.schema()), !f.schema().isNullable())).toList();
    }

    /** A table column: lake name, Snowflake type, NOT NULL or not. */
    public record Column(String name, String type, boolean required) {}

    static String sqlType(Schema schema) {
        Schema s = schema;
        if (s.isUnion()) {
            s = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
        }
        if (s.getLogicalType() instanceof LogicalTypes.Date) {
            return "DATE";
        }
        if (s.getLogicalType() instanceof LogicalTypes.TimestampMicros) {
            return "TIMESTAMP_TZ(6)";
        }
        return switch (s.getType()) {
            case STRING -> "VARCHAR";
            case DOUBLE, FLOAT -> "FLOAT";
            case LONG -> "NUMBER(19,0)";
            case INT -> "NUMBER(10,0)";
            case BOOLEAN -> "BOOLEAN";
            case MAP, RECORD, ARRAY -> "VARIANT";
            default -> throw new IllegalStateException("no Snowflake type for " + s.getType().name().toLowerCase(Locale.ROOT));
        };
    }

    /** Snowflake's spelling of the lake's columns (upper-cased, quoted) and NaN; Snowflake sorts NaN above every number. */
    static final SqlDialect DIALECT = new SqlDialect() {
        @Override
        public String column(String snakeCaseName) {
            return Sql.id(snakeCaseName);
        }

        @Override
        public String nan() {
            return "'NaN'::FLOAT";
        }
    };

    /** The gates: ingest-core's row rules ({@link RowRules}), with the key checks of the staged rows first. */
    private static final class Gates {
        static final List<RowRule<?>> PRICES = List.of(RowRules.keyPresent(List.of("symbol", "date")), RowRules.PRICES_POSITIVE,
                RowRules.OHLC_CONSISTENT, RowRules.VOLUME_NON_NEGATIVE);
        static final List<RowRule<?>> OPTIONS = List.of(RowRules.keyPresent(List.of("contract", "underlying", "date")), RowRules.STRIKE_POSITIVE);
    }
}
