package io.stockingest.lake;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;

/**
 * The one Parquet adapter of the project: encodes Avro records to a Parquet file in memory and decodes one. No
 * Hadoop {@code FileSystem} or {@code Path} is involved. The same records always encode to the same bytes.
 *
 * <p>Flat schemas (every price layout, quotes, actions, options) up to {@link FlatParquetEncoder#MAX_ROWS} rows go
 * through {@link FlatParquetEncoder}: PLAIN pages, ZSTD where it helps, no per-file writer setup, which made a one-row
 * daily file about 30x cheaper to encode. Others (statements, which hold a map) and larger files use parquet-avro's
 * writer (ZSTD, dictionary encoding).
 *
 * <p>Every encode and decode runs on a platform thread: called from a virtual thread, the work is handed to a small
 * pool of platform threads ({@link #onPlatformThread}). parquet-mr, Hadoop's {@code Configuration}, Avro and zstd-jni
 * initialise classes lazily (zstd-jni even unpacks its native library inside a static initialiser), and a virtual
 * thread that runs or waits for a class initialiser pins its carrier: with two carriers, two virtual threads waiting
 * for an initialiser whose own thread waits for a carrier hung a {@code --backfill} rerun for good (issue 17). The
 * reader is given a {@link PlainParquetConfiguration} up front, so no Hadoop {@code Configuration} is built or parsed
 * per file; nor by the column reader of {@link #readDates}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ParquetFiles {
    private ParquetFiles() {}

    /** Platform threads for the Parquet work of virtual threads: the work is CPU-bound, one thread per CPU. */
    private static final ExecutorService PLATFORM = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
            Thread.ofPlatform().name("parquet-", 0).daemon().factory());

    /**
     * Runs {@code work} on this thread if it is a platform thread, else on one of {@link #PLATFORM}'s threads while this
     * virtual thread waits unmounted.
     */
    static <T> T onPlatformThread(Callable<T> work) {
        if (!Thread.currentThread().getName().equals("parquet-init")) {
            awaitInitialised();
        }
        if (!Thread.currentThread().isVirtual()) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return PLATFORM.submit(work).get();
        } catch (ExecutionException e) {
            throw rethrown(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException(ErrorKind.SINK, "Interrupted while encoding or decoding Parquet", e);
        }
    }

    /**
     * Initialises the Parquet, Avro, Hadoop and zstd-jni classes of every path (flat encoder, parquet-mr writer and
     * reader) on a platform thread by encoding and decoding one row each way. Sinks call it once when built, before any
     * batch, so that no virtual thread ever finds a class of these libraries uninitialised.
     */
    public static void initialise() {
        // on the one initialisation thread, so that a lake sink's background initialisation and this one never run at
        // the same time (a run with a lake and a Snowflake sink starts both)
        initialiseInBackground();
        awaitInitialised();
    }

    /** The background initialisation, once per process ({@link #initialiseInBackground}); null until started. */
    private static volatile java.util.concurrent.CompletableFuture<Void> background;

    /**
     * {@link #initialise} on a platform thread of its own, so that the caller goes on (the lake sink is built before a
     * run's first request: the initialisation took 0.15 s of that on an idle machine, issue 21). Every encode and
     * decode here, and every method of a sink that started it, first waits for it ({@link #awaitInitialised}), so no
     * virtual thread initialises these classes, and no other thread initialises them at the same time as it (two
     * threads initialising classes that need each other in opposite orders can deadlock).
     */
    public static void initialiseInBackground() {
        if (background != null) {
            return;
        }
        synchronized (ParquetFiles.class) {
            if (background == null) {
                java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
                background = done;
                Thread.ofPlatform().name("parquet-init").daemon().start(() -> {
                    try {
                        initialiseHere();
                        done.complete(null);
                    } catch (Throwable t) {
                        done.completeExceptionally(t);
                    }
                });
            }
        }
    }

    /** Waits for {@link #initialiseInBackground} when it was started (a virtual thread unmounts while it waits). */
    public static void awaitInitialised() {
        java.util.concurrent.CompletableFuture<Void> done = background;
        if (done == null || done.isDone() && !done.isCompletedExceptionally()) {
            return;
        }
        try {
            done.get();
        } catch (ExecutionException e) {
            // as the synchronous initialisation would have: the caller's own work now meets the same failure
            throw rethrown(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException(ErrorKind.SINK, "Interrupted while the Parquet classes were initialised", e);
        }
    }

    /** The failure of work done on another thread, as the caller would have met it doing the work itself. */
    private static RuntimeException rethrown(ExecutionException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
            return runtime;
        }
        if (e.getCause() instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(e.getCause());
    }

    private static void initialiseHere() {
        onPlatformThread(() -> {
            LocalDate date = LocalDate.of(2024, 1, 2);
            Bar bar = new Bar(Symbol.parse("INIT"), Interval.D1, date.atStartOfDay(ZoneOffset.UTC).toInstant(), date, 1, 1, 1, 1, null, 1,
                    null, null, "init", Adjustment.SPLITS);
            byte[] file = writeBars(LakeSchemas.DAILY, List.of(bar), Instant.EPOCH);
            LakeSchemas.toBar(read(file).getFirst(), Interval.D1);
            decodeDates(file);
            return read(writeWithParquetMr(LakeSchemas.DAILY, List.of(LakeSchemas.bar(bar, Instant.EPOCH))));
        });
    }

    public static byte[] write(Schema schema, List<GenericRecord> records) {
        return onPlatformThread(() -> encode(schema, records));
    }

    private static byte[] encode(Schema schema, List<GenericRecord> records) {
        try {
            var flat = FlatParquetEncoder.encode(schema, records);
            if (flat.isPresent()) {
                return flat.get();
            }
        } catch (RuntimeException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot encode Parquet (" + schema.getName() + "): " + e.getMessage(), e);
        }
        return encodeWithParquetMr(schema, records);
    }

    /**
     * Bars in the {@link LakeSchemas#DAILY} or {@link LakeSchemas#INTRADAY} schema, in the given order: the same bytes
     * as {@link #write} of {@link LakeSchemas#bar} records, without building a record per bar where the flat encoder
     * applies.
     */
    public static byte[] writeBars(Schema schema, List<Bar> bars, Instant ingestTs) {
        return onPlatformThread(() -> encodeBars(schema, bars, ingestTs));
    }

    private static byte[] encodeBars(Schema schema, List<Bar> bars, Instant ingestTs) {
        try {
            var flat = FlatParquetEncoder.encode(schema, LakeSchemas.barRows(schema, bars, ingestTs));
            if (flat.isPresent()) {
                return flat.get();
            }
        } catch (RuntimeException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot encode Parquet (" + schema.getName() + "): " + e.getMessage(), e);
        }
        List<GenericRecord> records = new ArrayList<>(bars.size());
        bars.forEach(bar -> records.add(LakeSchemas.bar(bar, ingestTs)));
        return encodeWithParquetMr(schema, records);
    }

    /** The most rows {@link #writeFlat} and {@link #writeFlatBars} put in one file. */
    public static final int FLAT_MAX_ROWS = FlatParquetEncoder.MAX_ROWS;

    /**
     * Records encoded by the flat encoder (as {@link #write} encodes them), with a Parquet field id on every column
     * {@code fieldIds} names (a top-level column by name, a list's element as {@code name.element}): the form in which
     * Iceberg's readers match a file's columns to a table's. Empty when the flat encoder does not take this schema,
     * no records, or more than {@link #FLAT_MAX_ROWS}; the caller then uses a general writer.
     */
    public static java.util.Optional<byte[]> writeFlat(Schema schema, List<GenericRecord> records, java.util.Map<String, Integer> fieldIds) {
        return onPlatformThread(() -> FlatParquetEncoder.encode(schema, new FlatParquetEncoder.RecordRows(records), fieldIds));
    }

    /** Bars in the {@link LakeSchemas#DAILY} or {@link LakeSchemas#INTRADAY} schema as {@link #writeFlat} encodes their records. */
    public static java.util.Optional<byte[]> writeFlatBars(Schema schema, List<Bar> bars, Instant ingestTs, java.util.Map<String, Integer> fieldIds) {
        return onPlatformThread(() -> FlatParquetEncoder.encode(schema, LakeSchemas.barRows(schema, bars, ingestTs), fieldIds));
    }

    /**
     * Feature rows ({@link LakeSchemas#FEATURES} or {@link LakeSchemas#CUMULATIVE_7D}) of {@code slices}, in order, as
     * {@link #writeFlat} encodes their records, without a record per row.
     */
    public static java.util.Optional<byte[]> writeFlatFeatures(Schema schema, List<LakeSchemas.FeatureSlice> slices, Instant ingestTs,
            java.util.Map<String, Integer> fieldIds) {
        return onPlatformThread(() -> FlatParquetEncoder.encode(schema, LakeSchemas.featureRows(schema, slices, ingestTs), fieldIds));
    }

    /** The footer of a file encoded in memory, read with a plain configuration (no Hadoop {@code Configuration} is built). */
    public static org.apache.parquet.hadoop.metadata.ParquetMetadata footer(byte[] bytes) {
        return onPlatformThread(() -> {
            try (ParquetFileReader reader = ParquetFileReader.open(new InMemoryInputFile(bytes), ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
                return reader.getFooter();
            } catch (IOException e) {
                throw new IngestException(ErrorKind.SINK, "Cannot read the footer of a Parquet file: " + e.getMessage(), e);
            }
        });
    }

    /** parquet-avro's own writer, for schemas the flat encoder does not handle (and tests comparing the two). */
    static byte[] writeWithParquetMr(Schema schema, List<GenericRecord> records) {
        return onPlatformThread(() -> encodeWithParquetMr(schema, records));
    }

    private static byte[] encodeWithParquetMr(Schema schema, List<GenericRecord> records) {
        InMemoryOutputFile file = new InMemoryOutputFile();
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(file)
                .withSchema(schema)
                .withConf(new PlainParquetConfiguration())
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withDictionaryEncoding(true)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
            for (GenericRecord record : records) {
                writer.write(record);
            }
        } catch (IOException | RuntimeException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot encode Parquet (" + schema.getName() + "): " + e.getMessage(), e);
        }
        return file.bytes();
    }

    public static List<GenericRecord> read(byte[] bytes) {
        return onPlatformThread(() -> decode(bytes));
    }

    private static List<GenericRecord> decode(byte[] bytes) {
        List<GenericRecord> records = new ArrayList<>();
        // the configuration goes in with the file: the one-argument builder would build (and parse) a Hadoop Configuration
        try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new InMemoryInputFile(bytes), new PlainParquetConfiguration())
                .build()) {
            for (GenericRecord record = reader.read(); record != null; record = reader.read()) {
                records.add(record);
            }
        } catch (IOException | RuntimeException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot decode Parquet: " + e.getMessage(), e);
        }
        return records;
    }

    /**
     * The distinct values of a file's {@code date} column (a {@link LakeSchemas#DAILY} file, a year of sessions),
     * read with parquet-mr's column reader: only that column's pages are decompressed and decoded, no record is
     * built (about half a millisecond for a year file). Runs on a platform thread like every decode.
     */
    public static java.util.Set<LocalDate> readDates(byte[] bytes) {
        return onPlatformThread(() -> decodeDates(bytes));
    }

    private static java.util.Set<LocalDate> decodeDates(byte[] bytes) {
        java.util.Set<LocalDate> dates = new java.util.TreeSet<>();
        try (ParquetFileReader reader = ParquetFileReader.open(new InMemoryInputFile(bytes),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            ColumnDescriptor date = schema.getColumnDescription(new String[] {"date"});
            MessageType projection = new MessageType(schema.getName(), schema.getType("date"));
            reader.setRequestedSchema(projection);
            String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
            for (PageReadStore rowGroup = reader.readNextRowGroup(); rowGroup != null; rowGroup = reader.readNextRowGroup()) {
                ColumnReader column = new ColumnReadStoreImpl(rowGroup, new IgnoringConverter(), projection, createdBy).getColumnReader(date);
                for (long i = column.getTotalValueCount(); i > 0; i--) {
                    if (column.getCurrentDefinitionLevel() == date.getMaxDefinitionLevel()) {
                        dates.add(LocalDate.ofEpochDay(column.getInteger()));
                    }
                    column.consume();
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read the dates of a Parquet file: " + e.getMessage(), e);
        }
        return dates;
    }

    /** The converter tree a column reader wants; the values are taken from the reader itself. */
    private static final class IgnoringConverter extends GroupConverter {
        private final PrimitiveConverter ignore = new PrimitiveConverter() {};

        @Override
        public Converter getConverter(int fieldIndex) {
            return ignore;
        }

        @Override
        public void start() {}

        @Override
        public void end() {}
    }

    /**
     * Decodes a file into plain rows (column name to value: strings, longs, ints, doubles, nulls), for readers and
     * tests that should not depend on Avro's types.
     */
    public static List<java.util.Map<String, Object>> readRows(byte[] bytes) {
        List<java.util.Map<String, Object>> rows = new ArrayList<>();
        for (GenericRecord record : read(bytes)) {
            java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
            for (var field : record.getSchema().getFields()) {
                Object value = record.get(field.name());
                row.put(field.name(), value instanceof CharSequence text ? text.toString() : value);
            }
            rows.add(row);
        }
        return rows;
    }

    private static final class InMemoryOutputFile implements OutputFile {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);

        byte[] bytes() {
            return buffer.toByteArray();
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return createOrOverwrite(blockSizeHint);
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            buffer.reset();
            return new PositionOutputStream() {
                @Override
                public long getPos() {
                    return buffer.size();
                }

                @Override
                public void write(int b) {
                    buffer.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    buffer.write(b, off, len);
                }
            };
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }

        @Override
        public String getPath() {
            return "memory";
        }
    }

    /** A Parquet file held in memory, for readers (tests read footers through it too). */
    static final class InMemoryInputFile implements InputFile {
        private final byte[] bytes;

        InMemoryInputFile(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long getLength() {
            return bytes.length;
        }

        @Override
        public SeekableInputStream newStream() {
            SeekableByteArrayStream in = new SeekableByteArrayStream(bytes);
            return new DelegatingSeekableInputStream(in) {
                @Override
                public long getPos() {
                    return in.position();
                }

                @Override
                public void seek(long newPos) {
                    in.seek(newPos);
                }
            };
        }
    }

    private static final class SeekableByteArrayStream extends java.io.ByteArrayInputStream {
        SeekableByteArrayStream(byte[] bytes) {
            super(bytes);
        }

        long position() {
            return pos;
        }

        void seek(long newPos) {
            if (newPos < 0 || newPos > count) {
                throw new IllegalArgumentException("seek outside the file: " + newPos);
            }
            pos = (int) newPos;
        }
    }
}
