package io.stockingest.sink.iceberg;

import io.stockingest.lake.LakeSchemas;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.avro.AvroSchemaUtil;

/**
 * The tables of the Iceberg sink (PRODUCT.md's names), each with the lake's columns: its schema is the lake's Avro
 * schema ({@link LakeSchemas}) converted by Iceberg, timestamps as {@code timestamptz}, so a column is defined once
 * for the lake and the tables. Field ids are assigned when a table is created; a column added to the lake later is
 * added to the table as an optional column by name (no data file is rewritten).
 *
 * <p>{@code scope} and {@code range} say which stored rows a write speaks for: the write replaces the rows whose
 * {@code scope} column holds one of its values and whose {@code range} column lies within its span.
 */
enum IcebergTable {
    PRICES_DAILY("prices_daily", LakeSchemas.DAILY, b -> b.month("date"), List.of("symbol", "date"), List.of("symbol", "date"), "symbol", "date"),
    PRICES_INTRADAY("prices_intraday", LakeSchemas.INTRADAY, b -> b.day("ts"), List.of("symbol", "ts"), List.of("symbol", "interval", "ts"), "symbol", "date"),
    FUNDAMENTALS("fundamentals", LakeSchemas.STATEMENT, b -> b, List.of("symbol", "statement_type", "period_end"),
            List.of("symbol", "statement_type", "period", "period_end"), "symbol", "period_end"),
    OPTION_SNAPSHOTS("option_snapshots", LakeSchemas.OPTION, b -> b.month("date"), List.of("underlying", "date", "contract"),
            List.of("contract", "date"), "underlying", "date"),
    CORPORATE_ACTIONS("corporate_actions", LakeSchemas.ACTION, b -> b, List.of("symbol", "ex_date"), List.of("symbol", "type", "ex_date"), "symbol", "ex_date"),
    QUOTES("quotes", LakeSchemas.QUOTE, b -> b.day("ts"), List.of("symbol", "ts"), List.of("symbol", "ts"), "symbol", "ts"),
    PRICE_FEATURES("price_features", LakeSchemas.FEATURES, b -> b.month("date"), List.of("symbol", "date"), List.of("symbol", "date"), "symbol", "date"),
    PRICE_CUMULATIVE_7D("price_cumulative_7d", LakeSchemas.CUMULATIVE_7D, b -> b.month("date"), List.of("symbol", "date"), List.of("symbol", "date"),
            "symbol", "date"),
    QUARANTINE("quarantine", LakeSchemas.QUARANTINE, b -> b, List.of("run_id", "symbol", "ts"), List.of("run_id", "symbol", "ts", "rule"), "run_id", null),
    INGEST_RUNS("ingest_runs", Runs.SCHEMA, b -> b, List.of("started_at"), List.of("run_id"), "run_id", null);

    /** Table properties: format v2 (every engine in wide use reads it), copy-on-write for engines that update, ZSTD. */
    static final Map<String, String> PROPERTIES = Map.of(
            "format-version", "2",
            "write.delete.mode", "copy-on-write",
            "write.update.mode", "copy-on-write",
            "write.merge.mode", "copy-on-write",
            "write.parquet.compression-codec", "zstd",
            "commit.retry.num-retries", "20",
            "commit.retry.min-wait-ms", "50");

    private final String tableName;
    private final Schema avro;
    private final org.apache.iceberg.Schema schema;
    private final UnaryOperator<PartitionSpec.Builder> partitioning;
    private final List<String> sort;
    private final List<String> key;
    private final String scope;
    private final String range;

    IcebergTable(String tableName, Schema avro, UnaryOperator<PartitionSpec.Builder> partitioning, List<String> sort, List<String> key,
            String scope, String range) {
        this.tableName = tableName;
        this.avro = avro;
        this.schema = AvroSchemaUtil.toIceberg(withUtcTimestamps(avro));
        this.partitioning = partitioning;
        this.sort = sort;
        this.key = key;
        this.scope = scope;
        this.range = range;
    }

    String tableName() {
        return tableName;
    }

    /** The lake's Avro schema: the records written and read back. */
    Schema avro() {
        return avro;
    }

    /** The Iceberg schema with fresh ids, for creating the table. */
    org.apache.iceberg.Schema schema() {
        return schema;
    }

    PartitionSpec spec(org.apache.iceberg.Schema tableSchema) {
        return partitioning.apply(PartitionSpec.builderFor(tableSchema)).build();
    }

    SortOrder sortOrder(org.apache.iceberg.Schema tableSchema) {
        SortOrder.Builder order = SortOrder.builderFor(tableSchema);
        sort.forEach(order::asc);
        return order.build();
    }

    List<String> sort() {
        return sort;
    }

    /** The columns that identify a row: of two rows with the same key a write keeps the later one. */
    List<String> key() {
        return key;
    }

    String scope() {
        return scope;
    }

    /** The column whose span a write covers, or null when the scope alone says which rows a write replaces. */
    String range() {
        return range;
    }

    /**
     * The lake writes timestamps as Parquet {@code TIMESTAMP(MICROS, UTC)}; in Avro that is {@code timestamp-micros}
     * with {@code adjust-to-utc}, which Iceberg maps to {@code timestamptz}. A copy: the lake's schema is untouched.
     */
    static Schema withUtcTimestamps(Schema schema) {
        Schema copy = new Schema.Parser().parse(schema.toString());
        for (Schema.Field field : copy.getFields()) {
            mark(field.schema());
        }
        return copy;
    }

    private static void mark(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            schema.getTypes().forEach(IcebergTable::mark);
        } else if (schema.getLogicalType() instanceof LogicalTypes.TimestampMicros) {
            schema.addProp(AvroSchemaUtil.ADJUST_TO_UTC_PROP, true);
        }
    }

    /** The {@code ingest_runs} table: the columns of the PostgreSQL sink's, the whole document in {@code metrics}. */
    static final class Runs {
        private static final Schema TIMESTAMP = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
        static final Schema SCHEMA = SchemaBuilder.record("ingest_run").namespace("io.stockingest.iceberg").fields()
                .requiredString("run_id").requiredString("command").requiredString("source")
                .name("started_at").type(TIMESTAMP).noDefault()
                .name("finished_at").type().optional().type(TIMESTAMP)
                .requiredLong("duration_ms").requiredInt("exit_code").requiredString("status")
                .requiredInt("symbols_requested").requiredInt("symbols_succeeded").requiredInt("symbols_failed")
                .requiredLong("rows_written").requiredLong("rows_quarantined").requiredString("metrics")
                .endRecord();

        private Runs() {}
    }
}
