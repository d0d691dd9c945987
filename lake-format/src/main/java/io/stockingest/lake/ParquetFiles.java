package io.stockingest.lake;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
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
 * <p>Stateless and thread-safe.
 */
public final class ParquetFiles {
    private ParquetFiles() {}

    public static byte[] write(Schema schema, List<GenericRecord> records) {
        try {
            var flat = FlatParquetEncoder.encode(schema, records);
            if (flat.isPresent()) {
                return flat.get();
            }
        } catch (RuntimeException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot encode Parquet (" + schema.getName() + "): " + e.getMessage(), e);
        }
        return writeWithParquetMr(schema, records);
    }

    /**
     * Bars in the {@link LakeSchemas#DAILY} or {@link LakeSchemas#INTRADAY} schema, in the given order: the same bytes
     * as {@link #write} of {@link LakeSchemas#bar} records, without building a record per bar where the flat encoder
     * applies.
     */
    public static byte[] writeBars(Schema schema, List<io.stockingest.core.model.Bar> bars, java.time.Instant ingestTs) {
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
        return writeWithParquetMr(schema, records);
    }

    /** parquet-avro's own writer, for schemas the flat encoder does not handle (and tests comparing the two). */
    static byte[] writeWithParquetMr(Schema schema, List<GenericRecord> records) {
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
        List<GenericRecord> records = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new InMemoryInputFile(bytes))
                .withConf(new PlainParquetConfiguration())
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
