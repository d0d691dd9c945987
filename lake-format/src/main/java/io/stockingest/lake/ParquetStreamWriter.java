package io.stockingest.lake;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * The streaming counterpart of {@link ParquetFiles#write}: records go to a local file as they come (one row group
 * in memory at a time), with the same settings (ZSTD, dictionary encoding), for outputs too large to hold as a list,
 * such as {@code export --format parquet} of a whole table. No Hadoop {@code FileSystem} is involved.
 *
 * <p>Not thread-safe: one writer per file.
 */
public final class ParquetStreamWriter implements AutoCloseable {
    private final ParquetWriter<GenericRecord> writer;
    private final Path file;

    private ParquetStreamWriter(ParquetWriter<GenericRecord> writer, Path file) {
        this.writer = writer;
        this.file = file;
    }

    /** Creates (or replaces) {@code file}; the file is complete only after {@link #close}. */
    public static ParquetStreamWriter create(Schema schema, Path file) {
        try {
            return new ParquetStreamWriter(AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                    .withSchema(schema)
                    .withConf(new PlainParquetConfiguration())
                    .withCompressionCodec(CompressionCodecName.ZSTD)
                    .withDictionaryEncoding(true)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .build(), file);
        } catch (IOException | RuntimeException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot create Parquet file " + file + ": " + e.getMessage(), e);
        }
    }

    public void write(GenericRecord record) {
        try {
            writer.write(record);
        } catch (IOException | RuntimeException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot write Parquet file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the footer: the file is complete. */
    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException | RuntimeException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot finish Parquet file " + file + ": " + e.getMessage(), e);
        }
    }
}
