package io.stockingest.sink.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Bar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A table made before the lake gained a nullable column gets it by name; no data file is rewritten. */
class SchemaEvolutionTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void aNullableColumnTheLakeGainedIsAddedWithoutRewritingDataFiles() throws Exception {
        IcebergConfig config = IcebergConfig.from("iceberg:" + dir, Settings.of(Map.of()));
        Catalog catalog = IcebergCatalogs.open(config, Settings.of(Map.of()));
        // prices_daily as an older release made it: without "transactions", one data file of one row
        Schema old = new Schema(IcebergTable.PRICES_DAILY.schema().columns().stream().filter(c -> !c.name().equals("transactions")).toList());
        ((SupportsNamespaces) catalog).createNamespace(Namespace.of(config.namespace()));
        Table table = catalog.buildTable(AbstractIcebergSinkTest.id(config, IcebergTable.PRICES_DAILY), old)
                .withPartitionSpec(IcebergTable.PRICES_DAILY.spec(old)).withProperties(IcebergTable.PROPERTIES).create();
        Bar first = AbstractIcebergSinkTest.bars("OLD", AbstractIcebergSinkTest.FROM, AbstractIcebergSinkTest.FROM, 10).getFirst();
        Record row = GenericRecord.create(table.schema());
        row.setField("symbol", "OLD");
        row.setField("date", first.date());
        row.setField("open", first.open());
        row.setField("high", first.high());
        row.setField("low", first.low());
        row.setField("close", first.close());
        row.setField("volume", first.volume());
        row.setField("source", "fmp");
        row.setField("ingest_ts", java.time.OffsetDateTime.parse("2024-01-01T00:00:00Z"));
        OutputFile out = table.io().newOutputFile(table.locationProvider().newDataLocation("old.parquet"));
        FileAppender<Record> appender = Parquet.write(out).schema(table.schema()).createWriterFunc(GenericParquetWriter::create).build();
        try (appender) {
            appender.add(row);
        }
        org.apache.iceberg.PartitionData partition = new org.apache.iceberg.PartitionData(table.spec().partitionType());
        partition.set(0, (first.date().getYear() - 1970) * 12 + first.date().getMonthValue() - 1);
        DataFile oldFile = DataFiles.builder(table.spec()).withPath(out.location()).withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(appender.length()).withMetrics(appender.metrics()).withPartition(partition).build();
        table.newAppend().appendFile(oldFile).commit();
        ((AutoCloseable) catalog).close();

        try (IcebergSink sink = IcebergSink.open(config, Settings.of(Map.of()))) {
            AbstractIcebergSinkTest.write(sink, AbstractIcebergSinkTest.run(1),
                    List.of(AbstractIcebergSinkTest.bars("NEW", AbstractIcebergSinkTest.FROM, AbstractIcebergSinkTest.TO, 50)));
            Table evolved = AbstractIcebergSinkTest.table(sink, IcebergTable.PRICES_DAILY);
            assertThat(evolved.schema().findField("transactions")).as("added").isNotNull()
                    .satisfies(f -> assertThat(f.isOptional()).as("as optional").isTrue());
            assertThat(evolved.schema().findField("transactions").fieldId()).as("a new field id")
                    .isGreaterThan(old.columns().stream().mapToInt(c -> c.fieldId()).max().orElseThrow());
            List<String> files = new ArrayList<>();
            evolved.currentSnapshot().addedDataFiles(evolved.io()).forEach(f -> files.add(f.location()));
            try (CloseableIterable<org.apache.iceberg.FileScanTask> tasks = evolved.newScan().planFiles()) {
                List<String> live = new ArrayList<>();
                tasks.forEach(t -> live.add(t.file().location()));
                assertThat(live).as("the old data file is still live, not rewritten").contains(oldFile.location());
            }
            List<String> old1 = new ArrayList<>();
            try (CloseableIterable<Record> rows = IcebergGenerics.read(evolved).where(org.apache.iceberg.expressions.Expressions.equal("symbol", "OLD")).build()) {
                rows.forEach(r -> old1.add(r.getField("symbol") + " " + r.getField("transactions")));
            }
            assertThat(old1).as("the old row reads the new column as null").containsExactly("OLD null");
        }
    }
}
