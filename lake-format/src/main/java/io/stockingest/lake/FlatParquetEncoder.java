package io.stockingest.lake;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.ColumnOrder;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DateType;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.IEEE754TotalOrder;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.MicroSeconds;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.StringType;
import org.apache.parquet.format.TimeUnit;
import org.apache.parquet.format.TimestampType;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.TypeDefinedOrder;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.ColumnOrder.ColumnOrderName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;

/**
 * A direct Parquet encoder for the lake's flat record schemas (required or optional strings, dates, ints, longs,
 * timestamps and doubles, and required lists of doubles or longs, as the feature files' 7-session arrays): one row group, one PLAIN data page per column, definition levels as RLE runs, ZSTD where
 * it makes a page smaller. The schema in the footer is exactly the one parquet-avro derives from the Avro schema, and
 * the Avro schema is stored under {@code parquet.avro.schema} as parquet-avro does, so every Parquet reader (and
 * {@link ParquetFiles#read}) reads these files like parquet-avro's own.
 *
 * <p>Why: building a {@code ParquetWriter} costs far more than encoding the one row of a daily file (codec factory,
 * column stores, schema conversion, dictionary writers); this encoder costs a few microseconds per column. Output is
 * a pure function of the schema and the records (no timestamps, no random ids), so a rerun writes identical bytes.
 *
 * <p>Stateless and thread-safe; the per-schema plan is computed once.
 */
final class FlatParquetEncoder {
    /** Above this many rows the general writer (several pages, bounded memory per page) is used instead. */
    static final int MAX_ROWS = 100_000;
    /** Parsable by parquet-mr's VersionParser (else it ignores the statistics and logs a warning on every read). */
    static final String CREATED_BY = "stock-ingest version 0.1.0 (build flat-plain-encoder)";
    private static final int COMPRESS_FROM = 128;
    private static final int ZSTD_LEVEL = 3;
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final Map<PlanKey, Optional<Plan>> PLANS = new ConcurrentHashMap<>();

    /** A schema and the field ids to write into its Parquet schema (none: the lake's own files). */
    private record PlanKey(Schema schema, Map<String, Integer> fieldIds) {}

    private FlatParquetEncoder() {}

    /** The encoded file, or empty if this schema or record count is not one this encoder handles. */
    static Optional<byte[]> encode(Schema schema, List<GenericRecord> records) {
        return encode(schema, new RecordRows(records));
    }

    /**
     * The encoded file of rows read column by column through {@code rows} (no Avro record per row), or empty if this
     * schema or row count is not one this encoder handles. Same bytes as {@link #encode(Schema, List)} of the same
     * values.
     */
    static Optional<byte[]> encode(Schema schema, Rows rows) {
        return encode(schema, rows, Map.of());
    }

    /**
     * As {@link #encode(Schema, Rows)}, with a Parquet field id on the columns {@code fieldIds} names: a top-level
     * column by its name, the element of a list column as {@code name.element}. Iceberg's readers match a data file's
     * columns to the table's by these ids.
     */
    static Optional<byte[]> encode(Schema schema, Rows rows, Map<String, Integer> fieldIds) {
        if (rows.size() == 0 || rows.size() > MAX_ROWS) {
            return Optional.empty();
        }
        Optional<Plan> plan = PLANS.computeIfAbsent(new PlanKey(schema, Map.copyOf(fieldIds)), key -> plan(key.schema(), key.fieldIds()));
        if (plan.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(plan.get().write(rows));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode in memory: " + e.getMessage(), e);
        }
    }

    /**
     * Rows seen column by column; {@code column} is the field's position in the Avro schema. A value is read only
     * through the accessor of its column's Parquet type (INT32, INT64, DOUBLE, BINARY as a string).
     */
    interface Rows {
        int size();

        boolean isNull(int row, int column);

        int intValue(int row, int column);

        long longValue(int row, int column);

        double doubleValue(int row, int column);

        String stringValue(int row, int column);

        /** The length of a list column's value (a required list: never null). */
        default int listSize(int row, int column) {
            throw new UnsupportedOperationException("no list columns in these rows");
        }

        /** Element {@code index} of a list of doubles. */
        default double listDouble(int row, int column, int index) {
            throw new UnsupportedOperationException("no list columns in these rows");
        }

        /** Element {@code index} of a list of longs. */
        default long listLong(int row, int column, int index) {
            throw new UnsupportedOperationException("no list columns in these rows");
        }
    }

    /** Avro records as rows. */
    record RecordRows(List<GenericRecord> records) implements Rows {
        @Override
        public int size() {
            return records.size();
        }

        @Override
        public boolean isNull(int row, int column) {
            return records.get(row).get(column) == null;
        }

        @Override
        public int intValue(int row, int column) {
            return ((Number) records.get(row).get(column)).intValue();
        }

        @Override
        public long longValue(int row, int column) {
            return ((Number) records.get(row).get(column)).longValue();
        }

        @Override
        public double doubleValue(int row, int column) {
            return ((Number) records.get(row).get(column)).doubleValue();
        }

        @Override
        public String stringValue(int row, int column) {
            return records.get(row).get(column).toString();
        }

        @Override
        public int listSize(int row, int column) {
            return ((List<?>) records.get(row).get(column)).size();
        }

        @Override
        public double listDouble(int row, int column, int index) {
            return ((Number) ((List<?>) records.get(row).get(column)).get(index)).doubleValue();
        }

        @Override
        public long listLong(int row, int column, int index) {
            return ((Number) ((List<?>) records.get(row).get(column)).get(index)).longValue();
        }
    }

    /**
     * A leaf column: a top-level field, or the element of a required LIST group named {@code name} at {@code path}:
     * parquet-avro's two-level list ({@code required group name (LIST) { repeated T array; }}) or, for files with
     * field ids, the three-level list of the Parquet spec that Iceberg reads
     * ({@code required group name (LIST) { repeated group list { required T element; } }}); both have the same levels.
     */
    private record Column(String name, int position, PrimitiveType type, boolean optional, List<String> path) {
        boolean list() {
            return path.size() > 1;
        }
    }

    private static Optional<Plan> plan(Schema schema, Map<String, Integer> fieldIds) {
        if (schema.getType() != Schema.Type.RECORD) {
            return Optional.empty();
        }
        MessageType message = new AvroSchemaConverter(new PlainParquetConfiguration()).convert(schema);
        List<Column> columns = new ArrayList<>();
        List<SchemaElement> elements = new ArrayList<>();
        elements.add(new SchemaElement(message.getName()).setNum_children(message.getFieldCount()));
        for (org.apache.parquet.schema.Type field : message.getFields()) {
            if (!field.isPrimitive()) {
                Optional<PrimitiveType> element = listElement(field);
                if (element.isEmpty()) {
                    return Optional.empty();
                }
                elements.add(withId(new SchemaElement(field.getName()).setRepetition_type(FieldRepetitionType.REQUIRED).setNum_children(1)
                        .setConverted_type(ConvertedType.LIST).setLogicalType(LogicalType.LIST(new org.apache.parquet.format.ListType())),
                        fieldIds.get(field.getName())));
                int position = schema.getField(field.getName()).pos();
                if (fieldIds.isEmpty()) {
                    elements.add(new SchemaElement(element.get().getName()).setRepetition_type(FieldRepetitionType.REPEATED).setType(Plan.type(element.get())));
                    columns.add(new Column(field.getName(), position, element.get(), false, List.of(field.getName(), element.get().getName())));
                } else {
                    elements.add(new SchemaElement("list").setRepetition_type(FieldRepetitionType.REPEATED).setNum_children(1));
                    elements.add(withId(new SchemaElement("element").setRepetition_type(FieldRepetitionType.REQUIRED).setType(Plan.type(element.get())),
                            fieldIds.get(field.getName() + ".element")));
                    columns.add(new Column(field.getName(), position, element.get(), false, List.of(field.getName(), "list", "element")));
                }
                continue;
            }
            if (field.isRepetition(org.apache.parquet.schema.Type.Repetition.REPEATED)) {
                return Optional.empty();
            }
            PrimitiveType primitive = field.asPrimitiveType();
            SchemaElement element = new SchemaElement(field.getName())
                    .setRepetition_type(field.isRepetition(org.apache.parquet.schema.Type.Repetition.OPTIONAL)
                            ? FieldRepetitionType.OPTIONAL : FieldRepetitionType.REQUIRED);
            LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
            switch (primitive.getPrimitiveTypeName()) {
                case INT32 -> element.setType(Type.INT32);
                case INT64 -> element.setType(Type.INT64);
                case DOUBLE -> element.setType(Type.DOUBLE);
                case BINARY -> element.setType(Type.BYTE_ARRAY);
                default -> {
                    return Optional.empty();
                }
            }
            if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation) {
                element.setConverted_type(ConvertedType.UTF8).setLogicalType(LogicalType.STRING(new StringType()));
            } else if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
                element.setConverted_type(ConvertedType.DATE).setLogicalType(LogicalType.DATE(new DateType()));
            } else if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts
                    && ts.getUnit() == LogicalTypeAnnotation.TimeUnit.MICROS) {
                element.setLogicalType(LogicalType.TIMESTAMP(new TimestampType(ts.isAdjustedToUTC(), TimeUnit.MICROS(new MicroSeconds()))));
                if (ts.isAdjustedToUTC()) {
                    element.setConverted_type(ConvertedType.TIMESTAMP_MICROS);
                }
            } else if (logical != null || primitive.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY) {
                return Optional.empty();
            }
            elements.add(withId(element, fieldIds.get(field.getName())));
            columns.add(new Column(field.getName(), schema.getField(field.getName()).pos(), primitive,
                    field.isRepetition(org.apache.parquet.schema.Type.Repetition.OPTIONAL), List.of(field.getName())));
        }
        return Optional.of(new Plan(List.copyOf(columns), List.copyOf(elements), fieldIds.isEmpty() ? schema.toString() : null));
    }

    private static SchemaElement withId(SchemaElement element, Integer id) {
        return id == null ? element : element.setField_id(id);
    }

    /** The element of a required LIST group holding one repeated DOUBLE or INT64 with no logical type, else empty. */
    private static Optional<PrimitiveType> listElement(org.apache.parquet.schema.Type field) {
        if (!field.isRepetition(org.apache.parquet.schema.Type.Repetition.REQUIRED)
                || !(field.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation)
                || field.asGroupType().getFieldCount() != 1) {
            return Optional.empty();
        }
        org.apache.parquet.schema.Type element = field.asGroupType().getType(0);
        if (!element.isPrimitive() || !element.isRepetition(org.apache.parquet.schema.Type.Repetition.REPEATED)
                || element.getLogicalTypeAnnotation() != null) {
            return Optional.empty();
        }
        PrimitiveType.PrimitiveTypeName name = element.asPrimitiveType().getPrimitiveTypeName();
        return name == PrimitiveType.PrimitiveTypeName.DOUBLE || name == PrimitiveType.PrimitiveTypeName.INT64
                ? Optional.of(element.asPrimitiveType()) : Optional.empty();
    }

    private record Plan(List<Column> columns, List<SchemaElement> schema, String avroSchema) {
        byte[] write(Rows records) throws IOException {
            Buffer file = new Buffer(1024 + records.size() * columns.size() * 10);
            file.write(MAGIC);
            List<ColumnChunk> chunks = new ArrayList<>(columns.size());
            long totalUncompressed = 0;
            long totalCompressed = 0;
            // one page buffer and one compression context for all the columns of a file
            try (Scratch scratch = new Scratch(records.size())) {
                for (Column column : columns) {
                    ColumnMetaData meta = writeColumn(file, column, records, scratch);
                    totalUncompressed += meta.getTotal_uncompressed_size();
                    totalCompressed += meta.getTotal_compressed_size();
                    chunks.add(new ColumnChunk(meta.getData_page_offset()).setMeta_data(meta));
                }
            }
            RowGroup group = new RowGroup(chunks, totalUncompressed, records.size())
                    .setFile_offset(MAGIC.length).setTotal_compressed_size(totalCompressed).setOrdinal((short) 0);
            List<ColumnOrder> orders = new ArrayList<>(columns.size());
            columns.forEach(c -> orders.add(c.type().columnOrder().getColumnOrderName() == ColumnOrderName.IEEE_754_TOTAL_ORDER
                    ? ColumnOrder.IEEE_754_TOTAL_ORDER(new IEEE754TotalOrder()) : ColumnOrder.TYPE_ORDER(new TypeDefinedOrder())));
            FileMetaData footer = new FileMetaData(1, schema, records.size(), List.of(group))
                    // a file with field ids (for Iceberg) may have three-level lists: no Avro schema that says otherwise
                    .setKey_value_metadata(avroSchema == null ? List.of() : List.of(new KeyValue("parquet.avro.schema").setValue(avroSchema),
                            new KeyValue("writer.model.name").setValue("avro")))
                    .setCreated_by(CREATED_BY)
                    .setColumn_orders(orders);
            int footerStart = file.size();
            Util.writeFileMetaData(footer, file);
            file.writeIntLe(file.size() - footerStart);
            file.write(MAGIC);
            return file.toByteArray();
        }

        private static ColumnMetaData writeColumn(Buffer file, Column column, Rows records, Scratch scratch) throws IOException {
            if (column.list()) {
                return writeListColumn(file, column, records, scratch);
            }
            Statistics<?> stats = Statistics.createStats(column.type());
            int rows = records.size();
            int position = column.position();
            Buffer page = scratch.page;
            page.reset();
            if (column.optional()) {
                page.writeIntLe(0); // length of the definition levels, patched below
                int value = -1;
                int run = 0;
                for (int row = 0; row < rows; row++) {
                    int level = records.isNull(row, position) ? 0 : 1;
                    if (level != value && run > 0) {
                        page.writeRun(run, value);
                        run = 0;
                    }
                    value = level;
                    run++;
                }
                page.writeRun(run, value);
                page.patchIntLe(0, page.size() - 4);
            }
            String lastString = null;
            byte[] lastBytes = null;
            for (int row = 0; row < rows; row++) {
                if (records.isNull(row, position)) {
                    if (!column.optional()) {
                        throw new IllegalArgumentException("Column " + column.name() + " is required but a record has no value");
                    }
                    stats.incrementNumNulls();
                    continue;
                }
                switch (column.type().getPrimitiveTypeName()) {
                    case INT32 -> {
                        int v = records.intValue(row, position);
                        page.writeIntLe(v);
                        stats.updateStats(v);
                    }
                    case INT64 -> {
                        long v = records.longValue(row, position);
                        page.writeLongLe(v);
                        stats.updateStats(v);
                    }
                    case DOUBLE -> {
                        double v = records.doubleValue(row, position);
                        page.writeLongLe(Double.doubleToLongBits(v));
                        stats.updateStats(v);
                    }
                    case BINARY -> {
                        String text = records.stringValue(row, position);
                        // a repeated value (symbol, source, interval) is encoded once and leaves the statistics as they are
                        if (!text.equals(lastString)) {
                            lastString = text;
                            lastBytes = text.getBytes(StandardCharsets.UTF_8);
                            stats.updateStats(Binary.fromConstantByteArray(lastBytes));
                        }
                        page.writeIntLe(lastBytes.length);
                        page.write(lastBytes, 0, lastBytes.length);
                    }
                    default -> throw new IllegalStateException("not planned: " + column.type());
                }
            }
            Encoding levels = column.optional() ? Encoding.RLE : Encoding.BIT_PACKED;
            List<Encoding> encodings = column.optional() ? List.of(Encoding.PLAIN, Encoding.RLE, Encoding.BIT_PACKED)
                    : List.of(Encoding.PLAIN, Encoding.BIT_PACKED);
            return writePage(file, column, page, scratch, stats, records.size(), levels, Encoding.BIT_PACKED, encodings);
        }

        /**
         * A list column: repetition levels (0 starts a row's list, 1 continues it), definition levels (1 for an
         * element, 0 for an empty list), then the elements; one level entry per element, or one for an empty list.
         */
        private static ColumnMetaData writeListColumn(Buffer file, Column column, Rows records, Scratch scratch) throws IOException {
            Statistics<?> stats = Statistics.createStats(column.type());
            int rows = records.size();
            int position = column.position();
            Buffer page = scratch.page;
            page.reset();
            int[] sizes = new int[rows];
            int entries = 0;
            for (int row = 0; row < rows; row++) {
                sizes[row] = records.listSize(row, position);
                entries += Math.max(1, sizes[row]);
            }
            // repetition levels
            page.writeIntLe(0);
            Runs runs = new Runs(page);
            for (int size : sizes) {
                runs.add(0);
                for (int k = 1; k < size; k++) {
                    runs.add(1);
                }
            }
            runs.end();
            page.patchIntLe(0, page.size() - 4);
            // definition levels
            int definitionsAt = page.size();
            page.writeIntLe(0);
            runs = new Runs(page);
            for (int size : sizes) {
                if (size == 0) {
                    runs.add(0);
                    stats.incrementNumNulls();
                }
                for (int k = 0; k < size; k++) {
                    runs.add(1);
                }
            }
            runs.end();
            page.patchIntLe(definitionsAt, page.size() - definitionsAt - 4);
            boolean doubles = column.type().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.DOUBLE;
            for (int row = 0; row < rows; row++) {
                for (int k = 0; k < sizes[row]; k++) {
                    if (doubles) {
                        double v = records.listDouble(row, position, k);
                        page.writeLongLe(Double.doubleToLongBits(v));
                        stats.updateStats(v);
                    } else {
                        long v = records.listLong(row, position, k);
                        page.writeLongLe(v);
                        stats.updateStats(v);
                    }
                }
            }
            return writePage(file, column, page, scratch, stats, entries, Encoding.RLE, Encoding.RLE, List.of(Encoding.PLAIN, Encoding.RLE));
        }

        /** Writes the page built in {@code page} (ZSTD where that makes it smaller) and returns its column chunk's metadata. */
        private static ColumnMetaData writePage(Buffer file, Column column, Buffer page, Scratch scratch, Statistics<?> stats, int values,
                Encoding definitionLevels, Encoding repetitionLevels, List<Encoding> encodings) throws IOException {
            int bodyLength = page.size();
            byte[] stored = page.array();
            int storedLength = bodyLength;
            CompressionCodec codec = CompressionCodec.UNCOMPRESSED;
            if (bodyLength >= COMPRESS_FROM) {
                // the same bytes as Zstd.compress(body, level): a context at that level, compressByteArray into a bound-sized array
                byte[] compressed = scratch.compressed(bodyLength);
                int compressedLength = scratch.zstd.compressByteArray(compressed, 0, compressed.length, page.array(), 0, bodyLength);
                if (compressedLength < bodyLength) {
                    stored = compressed;
                    storedLength = compressedLength;
                    codec = CompressionCodec.ZSTD;
                }
            }
            PageHeader header = new PageHeader(PageType.DATA_PAGE, bodyLength, storedLength)
                    .setData_page_header(new DataPageHeader(values, Encoding.PLAIN, definitionLevels, repetitionLevels));
            long start = file.size();
            Util.writePageHeader(header, file);
            int headerSize = (int) (file.size() - start);
            file.write(stored, 0, storedLength);
            return new ColumnMetaData(type(column.type()), encodings, column.path(), codec, values,
                    headerSize + bodyLength, headerSize + storedLength, start)
                    .setStatistics(ParquetMetadataConverter.toParquetStatistics(stats));
        }

        private static Type type(PrimitiveType type) {
            return switch (type.getPrimitiveTypeName()) {
                case INT32 -> Type.INT32;
                case INT64 -> Type.INT64;
                case DOUBLE -> Type.DOUBLE;
                case BINARY -> Type.BYTE_ARRAY;
                default -> throw new IllegalStateException("not planned: " + type);
            };
        }
    }

    /** Level values gathered into RLE runs of bit width 1. */
    private static final class Runs {
        private final Buffer out;
        private int value = -1;
        private int run;

        Runs(Buffer out) {
            this.out = out;
        }

        void add(int level) {
            if (level != value && run > 0) {
                out.writeRun(run, value);
                run = 0;
            }
            value = level;
            run++;
        }

        void end() {
            if (run > 0) {
                out.writeRun(run, value);
            }
        }
    }

    /** Per-file working memory: the page being built, the compressed page, a ZSTD context at {@link #ZSTD_LEVEL}. */
    private static final class Scratch implements AutoCloseable {
        final Buffer page;
        final ZstdCompressCtx zstd = new ZstdCompressCtx().setLevel(ZSTD_LEVEL);
        private byte[] compressed = new byte[0];

        Scratch(int rows) {
            page = new Buffer(16 + rows * 9);
        }

        byte[] compressed(int length) {
            int bound = (int) Zstd.compressBound(length);
            if (compressed.length < bound) {
                compressed = new byte[bound];
            }
            return compressed;
        }

        @Override
        public void close() {
            zstd.close();
        }
    }

    /** An unsynchronised growable byte buffer with little-endian and RLE-run writes. */
    private static final class Buffer extends OutputStream {
        private byte[] buf;
        private int count;

        Buffer(int size) {
            buf = new byte[Math.max(16, size)];
        }

        private void ensure(int extra) {
            if (count + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + extra));
            }
        }

        int size() {
            return count;
        }

        void reset() {
            count = 0;
        }

        /** The backing array; valid up to {@link #size()}. */
        byte[] array() {
            return buf;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int off, int len) {
            ensure(len);
            System.arraycopy(bytes, off, buf, count, len);
            count += len;
        }

        void writeIntLe(int v) {
            ensure(4);
            INT_LE.set(buf, count, v);
            count += 4;
        }

        void writeLongLe(long v) {
            ensure(8);
            LONG_LE.set(buf, count, v);
            count += 8;
        }

        void patchIntLe(int at, int v) {
            INT_LE.set(buf, at, v);
        }

        /** One RLE run of the hybrid encoding at bit width 1: ULEB128 header (count shifted left by one), one value byte. */
        void writeRun(int count, int value) {
            long header = (long) count << 1;
            while ((header & ~0x7FL) != 0) {
                write((int) ((header & 0x7F) | 0x80));
                header >>>= 7;
            }
            write((int) header);
            write(value);
        }
    }
}
