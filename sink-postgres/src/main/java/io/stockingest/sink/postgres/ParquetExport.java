package io.stockingest.sink.postgres;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.lake.LakeSchemas;
import io.stockingest.lake.ParquetStreamWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * {@code export --format parquet}: the exporter's typed rows (same READ ONLY transaction and filter as csv/sql),
 * streamed into one Parquet file by the lake's writer settings ({@link ParquetStreamWriter}: ZSTD, dictionary), one
 * row group in memory at a time. The Avro schema comes from the table's columns: names as in the table, NOT NULL
 * columns required, dates as Parquet {@code DATE}, timestamps as {@code TIMESTAMP(MICROS, UTC)} (as in the lake),
 * json/jsonb as JSON text, float8[]/int8[] as lists. The file is written under a temporary name and renamed when
 * complete, so it appears whole or not at all; a failed export leaves no file.
 */
final class ParquetExport implements Exporter.RowWriter {
    private final Path target;
    private Schema schema;
    private ParquetStreamWriter writer;

    private ParquetExport(Path target) {
        this.target = target;
    }

    /** Exports {@code table} (optionally filtered) to a Parquet file at {@code out}; returns the number of rows. */
    static long write(Exporter exporter, String table, String where, Path out) {
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        ParquetExport encoder = new ParquetExport(tmp);
        try {
            long rows = exporter.export(table, where, encoder);
            encoder.writer.close();
            encoder.writer = null;
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return rows;
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot write " + out + ": " + e.getMessage(), e);
        } finally {
            if (encoder.writer != null) {
                try {
                    encoder.writer.close();
                } catch (RuntimeException ignored) {
                    // the export already failed; that error is the one to report
                }
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: a leftover .tmp is never mistaken for an export
            }
        }
    }

    @Override
    public void columns(String table, List<Exporter.Column> columns) {
        var fields = SchemaBuilder.record(table).namespace("io.stockingest.export").fields();
        for (Exporter.Column column : columns) {
            Schema type = avro(column.type());
            fields = column.nullable() ? fields.name(column.name()).type(Schema.createUnion(Schema.create(Schema.Type.NULL), type)).withDefault(null)
                    : fields.name(column.name()).type(type).noDefault();
        }
        this.schema = fields.endRecord();
        this.writer = ParquetStreamWriter.create(schema, target);
    }

    @Override
    public void row(List<Object> values) {
        GenericRecord record = new GenericData.Record(schema);
        for (int i = 0; i < values.size(); i++) {
            record.put(i, switch (values.get(i)) {
                case LocalDate date -> (int) date.toEpochDay();
                case Instant instant -> LakeSchemas.micros(instant);
                case null, default -> values.get(i);
            });
        }
        writer.write(record);
    }

    private static Schema avro(Exporter.ColumnType type) {
        return switch (type) {
            case TEXT, JSON -> Schema.create(Schema.Type.STRING);
            case INT -> Schema.create(Schema.Type.INT);
            case BIGINT -> Schema.create(Schema.Type.LONG);
            case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
            case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
            case DATE -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
            case TIMESTAMP -> LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case DOUBLE_ARRAY -> Schema.createArray(Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.DOUBLE)));
            case BIGINT_ARRAY -> Schema.createArray(Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.LONG)));
        };
    }
}
