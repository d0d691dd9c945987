package io.stockingest.sink.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import io.stockingest.core.features.FeatureSeries;
import io.stockingest.core.model.Bar;
import io.stockingest.lake.LakeSchemas;
import io.stockingest.lake.ParquetFiles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Optional;
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
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.transforms.Transform;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * The one adapter between lake rows and a table's data files: writes rows or bars (sorted by the table's sort order)
 * as one Parquet file per partition and reads data files back with Iceberg's generic reader. A file is encoded by the
 * lake's flat encoder ({@link ParquetFiles#writeFlat}: one PLAIN page per column, ZSTD) with the table's field ids in
 * its Parquet schema, its column metrics taken from its footer by Iceberg; rows the flat encoder does not take (a map
 * column) go through Iceberg's own Parquet writer. Runs on the sink's I/O thread: Iceberg's Parquet code builds a Hadoop
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
            byPartition.computeIfAbsent(partitioner.key(row::get), p -> new ArrayList<>()).add(row);
        }
        Schema schema = writeSchema(table, def);
        Map<String, Integer> ids = fieldIds(schema);
        List<DataFile> files = new ArrayList<>(byPartition.size());
        try {
            for (var partition : byPartition.entrySet()) {
                PartitionData data = partitioner.data(partition.getKey());
                for (List<GenericRecord> chunk : chunks(partition.getValue())) {
                    Optional<byte[]> flat = ParquetFiles.writeFlat(def.avro(), chunk, ids);
                    files.add(flat.isPresent() ? flatFile(table, spec, data, flat.get(), runId) : writeFile(table, spec, schema, data, chunk, runId));
                }
            }
        } catch (RuntimeException e) {
            files.forEach(f -> table.io().deleteFile(f.location()));
            throw e;
        }
        return files;
    }

    /**
     * Writes {@code bars} (of one interval, stamped {@code ingestTs}) as new data files of {@code table}, one per
     * partition (several for a partition of more than {@link ParquetFiles#FLAT_MAX_ROWS} bars), sorted by the table's
     * sort order, encoded by the lake's flat encoder with the table's field ids; the files are not committed.
     */
    static List<DataFile> writeBars(Table table, IcebergTable def, List<Bar> bars, Instant ingestTs, String runId) {
        if (bars.isEmpty()) {
            return List.of();
        }
        List<Bar> sorted = new ArrayList<>(bars);
        sorted.sort(def == IcebergTable.PRICES_INTRADAY
                ? Comparator.comparing((Bar b) -> b.symbol().value()).thenComparing(Bar::ts)
                : Comparator.comparing((Bar b) -> b.symbol().value()).thenComparing(Bar::date));
        PartitionSpec spec = table.spec();
        Partitioner partitioner = new Partitioner(table, spec);
        Map<List<Object>, List<Bar>> byPartition = new LinkedHashMap<>();
        for (Bar bar : sorted) {
            byPartition.computeIfAbsent(partitioner.key(column -> barValue(bar, column)), p -> new ArrayList<>()).add(bar);
        }
        Map<String, Integer> ids = fieldIds(writeSchema(table, def));
        List<DataFile> files = new ArrayList<>(byPartition.size());
        try {
            for (var partition : byPartition.entrySet()) {
                PartitionData data = partitioner.data(partition.getKey());
                for (List<Bar> chunk : chunks(partition.getValue())) {
                    Optional<byte[]> flat = ParquetFiles.writeFlatBars(def.avro(), chunk, ingestTs, ids);
                    files.add(flat.isPresent() ? flatFile(table, spec, data, flat.get(), runId)
                            : writeFile(table, spec, writeSchema(table, def), data, chunk.stream().map(b -> LakeSchemas.bar(b, ingestTs)).toList(), runId));
                }
            }
        } catch (RuntimeException e) {
            files.forEach(f -> table.io().deleteFile(f.location()));
            throw e;
        }
        return files;
    }

    /**
     * Writes the feature rows of {@code series} ({@link IcebergTable#PRICE_FEATURES} or
     * {@link IcebergTable#PRICE_CUMULATIVE_7D}, in symbol order, each series in date order) as new data files of
     * {@code table}, one per partition, encoded by the flat encoder straight from the series; not committed.
     */
    static List<DataFile> writeFeatures(Table table, IcebergTable def, List<FeatureSeries> series, Instant ingestTs, String runId) {
        PartitionSpec spec = table.spec();
        Partitioner partitioner = new Partitioner(table, spec);
        Map<List<Object>, List<LakeSchemas.FeatureSlice>> byPartition = new LinkedHashMap<>();
        Map<List<Object>, Integer> rows = new HashMap<>();
        for (FeatureSeries f : series) {
            int start = 0;
            List<Object> key = null;
            for (int i = 0; i <= f.size(); i++) {
                List<Object> next = null;
                if (i < f.size()) {
                    int row = i;
                    next = partitioner.key(column -> switch (column) {
                        case "date" -> (int) f.date(row).toEpochDay();
                        case "symbol" -> f.symbol().value();
                        default -> throw new IllegalStateException("features are not partitioned by " + column);
                    });
                }
                if (key != null && !key.equals(next)) {
                    byPartition.computeIfAbsent(key, k -> new ArrayList<>()).add(new LakeSchemas.FeatureSlice(f, start, i));
                    rows.merge(key, i - start, Integer::sum);
                    start = i;
                }
                key = next;
            }
        }
        Map<String, Integer> ids = fieldIds(writeSchema(table, def));
        List<DataFile> files = new ArrayList<>(byPartition.size());
        try {
            for (var partition : byPartition.entrySet()) {
                PartitionData data = partitioner.data(partition.getKey());
                Optional<byte[]> flat = ParquetFiles.writeFlatFeatures(def.avro(), partition.getValue(), ingestTs, ids);
                if (flat.isPresent()) {
                    files.add(flatFile(table, spec, data, flat.get(), runId));
                } else {
                    // more rows than one flat file holds: as records, which write() splits
                    List<GenericRecord> records = new ArrayList<>(rows.get(partition.getKey()));
                    for (LakeSchemas.FeatureSlice slice : partition.getValue()) {
                        for (int i = slice.from(); i < slice.to(); i++) {
                            records.add(def == IcebergTable.PRICE_FEATURES ? LakeSchemas.features(slice.series(), i, ingestTs)
                                    : LakeSchemas.cumulative(slice.series(), i, ingestTs));
                        }
                    }
                    files.addAll(write(table, def, records, runId));
                }
            }
        } catch (RuntimeException e) {
            files.forEach(f -> table.io().deleteFile(f.location()));
            throw e;
        }
        return files;
    }

    /** A bar's value of a partition source column, as Iceberg holds it (days, microseconds, strings). */
    private static Object barValue(Bar bar, String column) {
        return switch (column) {
            case "date" -> (int) bar.date().toEpochDay();
            case "ts" -> LakeSchemas.micros(bar.ts());
            case "symbol" -> bar.symbol().value();
            case "interval" -> bar.interval().code();
            case "source" -> bar.source();
            default -> throw new IllegalStateException("prices are not partitioned by " + column);
        };
    }

    private static <T> List<List<T>> chunks(List<T> rows) {
        int size = ParquetFiles.FLAT_MAX_ROWS;
        if (rows.size() <= size) {
            return List.of(rows);
        }
        List<List<T>> out = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += size) {
            out.add(rows.subList(from, Math.min(rows.size(), from + size)));
        }
        return out;
    }

    /** The field id of every column of {@code schema} by name, and of every list's element as {@code name.element}. */
    static Map<String, Integer> fieldIds(Schema schema) {
        Map<String, Integer> ids = new HashMap<>();
        for (Types.NestedField field : schema.columns()) {
            ids.put(field.name(), field.fieldId());
            if (field.type() instanceof Types.ListType list) {
                ids.put(field.name() + ".element", list.elementId());
            }
        }
        return ids;
    }

    /** Stores an encoded file as a data file of {@code table}; its column metrics come from its footer. */
    private static DataFile flatFile(Table table, PartitionSpec spec, PartitionData partition, byte[] bytes, String runId) {
        String location = location(table, spec, partition, runId);
        OutputFile out = table.io().newOutputFile(location);
        try (var stream = out.createOrOverwrite()) {
            stream.write(bytes);
        } catch (IOException e) {
            table.io().deleteFile(location);
            throw new UncheckedIOException("Cannot write " + location, e);
        }
        DataFiles.Builder file = DataFiles.builder(spec)
                .withPath(location)
                .withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(bytes.length)
                .withMetrics(ParquetUtil.footerMetrics(ParquetFiles.footer(bytes), java.util.stream.Stream.empty(), MetricsConfig.forTable(table)))
                .withSortOrder(table.sortOrder());
        if (!spec.isUnpartitioned()) {
            file.withPartition(partition);
        }
        return file.build();
    }

    private static String location(Table table, PartitionSpec spec, PartitionData partition, String runId) {
        String name = runId + "-" + UUID.randomUUID() + ".parquet";
        return spec.isUnpartitioned() ? table.locationProvider().newDataLocation(name) : table.locationProvider().newDataLocation(spec, partition, name);
    }

    /** Iceberg's own Parquet writer: for rows the flat encoder does not take (a map column: statements). */
    private static DataFile writeFile(Table table, PartitionSpec spec, Schema schema, PartitionData partition, List<GenericRecord> rows, String runId) {
        String location = location(table, spec, partition, runId);
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

        /** The partition values of a row whose column values {@code values} gives (as Iceberg holds them). */
        List<Object> key(java.util.function.Function<String, Object> values) {
            List<Object> key = new ArrayList<>(columns.size());
            for (int i = 0; i < columns.size(); i++) {
                Object value = values.apply(columns.get(i));
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
