package io.stockingest.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.Symbol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetStreamWriterTest {
    @TempDir
    Path dir;

    @Test
    void streamedRecordsReadBackLikeTheInMemoryFile() throws Exception {
        Instant ingest = Instant.parse("2024-11-02T12:00:00.123456Z");
        List<GenericRecord> records = List.of(
                LakeSchemas.action(new CorporateAction(new Symbol("AAPL"), CorporateAction.Type.SPLIT, LocalDate.of(2020, 8, 31), null, 4d, 1d,
                        null, null, null, null, "yahoo"), ingest),
                LakeSchemas.action(new CorporateAction(new Symbol("AAPL"), CorporateAction.Type.DIVIDEND, LocalDate.of(2020, 11, 6), 0.205, null, null,
                        null, LocalDate.of(2020, 11, 12), null, "USD", "yahoo"), ingest));
        Path file = dir.resolve("a.parquet");
        try (ParquetStreamWriter writer = ParquetStreamWriter.create(LakeSchemas.ACTION, file)) {
            records.forEach(writer::write);
        }
        byte[] streamed = Files.readAllBytes(file);
        assertThat(ParquetFiles.readRows(streamed)).isEqualTo(ParquetFiles.readRows(ParquetFiles.write(LakeSchemas.ACTION, records)));
        assertThat(ParquetFiles.readRows(streamed).getLast()).containsEntry("amount", 0.205).containsEntry("pay_date", LocalDate.of(2020, 11, 12));
    }
}
