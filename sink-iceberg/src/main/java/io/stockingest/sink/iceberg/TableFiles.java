package io.stockingest.sink.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionData;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.parquet.ParquetAvroWriter;
import org.apache.iceberg.transforms.Transform;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;

/**
 * The one adapter between lake rows and a table's data files: writes rows (sorted by the table's sort order) as one
 * Parquet file per partition, with Iceberg's Parquet writer (field ids, column metrics), and reads data files back
 * with Iceberg's generic reader. Runs on the sink's I/O thread: Iceberg's Parquet code builds a Hadoop
 * {@code Configuration}, whose class initialisation must not happen on a virtual thread.
 *
 * <p>Stateless and thread-safe.
 */
final class TableFiles {
    private TableFiles() {}

    /** The table's schema restricted to the lake's columns, with the table's field ids. */
    static Schema writeSchema(Table table, IcebergTable def) {
        return TypeUtil.reassignIds(def.schema(), table.schema());
    }

    /** Writes {@code rows} as new data files of {@code table} (none for no rows); the files are not committed. */
    static List<DataFile> write(Table table, IcebergTable def, List<GenericRecord> rows, String runId) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<GenericRecord> sorted = new ArrayList<>(rows);
        sorted.sort(order(def));
        PartitionSpec spec = table.spec();
        Partitioner partitioner = new Partitioner(table, spec);
        Map<List<Object>, List<GenericRecord>> byPartition = new LinkedHashMap<>();
        for (GenericRecord row : sorted) {
            byPartition.computeIfAbsent(partitioner.key(row), p -> new ArrayList<>()).add(row);
        }
        Schema schema = writeSchema(table, def);
        List<DataFile> files = new ArrayList<>(byPartition.size());
        try {
            for (var partition : byPartition.entrySet()) {
                files.add(writeFile(table, spec, schema, partitioner.data(partition.getKey()), partition.getValue(), runId));
            }
        } catch (RuntimeException e) {
            files.forEach(f -> table.io().deleteFile(f.location()));
            throw e;
        }
        return files;
    }

    private static DataFile writeFile(Table table, PartitionSpec spec, Schema schema, PartitionData partition, List<GenericRecord> rows, String runId) {
        String name = runId + "-" + UUID.randomUUID() + ".parquet";
        String location = spec.isUnpartitioned() ? table.locationProvider().newDataLocation(name)
                : table.locationProvider().newDataLocation(spec, partition, name);
        OutputFile out = table.io().newOutputFile(location);
        FileAppender<GenericData.Record> appender;
        try {
            appender = Parquet.write(out)
                    .schema(schema)
                    .setAll(table.properties())
                    .metricsConfig(MetricsConfig.forTable(table))
                    .createWriterFunc(ParquetAvroWriter::buildWriter)
                    .overwrite()
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + location, e);
        }
        try (appender) {
            for (GenericRecord row : rows) {
                appender.add((GenericData.Record) row);
            }
        } catch (IOException e) {
            table.io().deleteFile(location);
            throw new UncheckedIOException("Cannot write " + location, e);
        } catch (RuntimeException e) {
            table.io().deleteFile(location);
            throw e;
        }
        DataFiles.Builder file = DataFiles.builder(spec)
                .withPath(location)
                .withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(appender.length())
                .withMetrics(appender.metrics())
                .withSplitOffsets(appender.splitOffsets())
                .withSortOrder(table.sortOrder());
        if (!spec.isUnpartitioned()) {
            file.withPartition(partition);
        }
        return file.build();
    }

    /** Rows in the table's sort order (the lake's values compare as they are: strings, days, microseconds). */
    static Comparator<GenericRecord> order(IcebergTable def) {
        Comparator<GenericRecord> order = null;
        for (String column : def.sort()) {
            int pos = def.avro().getField(column).pos();
            Comparator<GenericRecord> next = Comparator.comparing(r -> comparable(r, pos), Comparator.nullsFirst(Comparator.naturalOrder()));
            order = order == null ? next : order.thenComparing(next);
        }
        return order;
    }

    @SuppressWarnings("unchecked")
    private static Comparable<Object> comparable(GenericRecord row, int pos) {
        Object value = row.get(pos);
        return (Comparable<Object>) (value instanceof CharSequence text ? text.toString() : value);
    }

    /** A row's partition values (the spec's transforms bound once, not per row). */
    private static final class Partitioner {
        private final PartitionSpec spec;
        private final List<String> columns = new ArrayList<>();
        private final List<java.util.function.Function<Object, Object>> transforms = new ArrayList<>();

        @SuppressWarnings({"unchecked", "rawtypes"})
        Partitioner(Table table, PartitionSpec spec) {
            this.spec = spec;
            for (PartitionField field : spec.fields()) {
                Type type = table.schema().findType(field.sourceId());
                columns.add(table.schema().findColumnName(field.sourceId()));
                transforms.add((java.util.function.Function<Object, Object>) ((Transform) field.transform()).bind(type));
            }
        }

        List<Object> key(GenericRecord row) {
            List<Object> key = new ArrayList<>(columns.size());
            for (int i = 0; i < columns.size(); i++) {
                Object value = row.get(columns.get(i));
                key.add(value == null ? null : transforms.get(i).apply(value));
            }
            return key;
        }

        PartitionData data(List<Object> key) {
            PartitionData data = new PartitionData(spec.partitionType());
            for (int i = 0; i < key.size(); i++) {
                data.set(i, key.get(i));
            }
            return data;
        }
    }

    /** Streams the rows of one data file, read with Iceberg's generic reader, projected to {@code columns}. */
    static void read(Table table, DataFile file, Schema projection, Consumer<Record> each) {
        try (CloseableIterable<Record> rows = Parquet.read(table.io().newInputFile(file.location()))
                .project(projection)
                .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(projection, fileSchema))
                .build()) {
            rows.forEach(each);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file.location(), e);
        }
    }
}
