package io.stockingest.sink.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.lake.LakeSchemas;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data files the sink writes with the lake's flat encoder: Iceberg's own generic reader returns every value with
 * the table's types, the Parquet schema carries the table's field ids, the column metrics Iceberg keeps for pruning
 * are right, and a run puts one file per partition whatever the number of symbols.
 */
class DataFilesTest {
    private static final LocalDate FROM = LocalDate.of(2024, 9, 3);
    private static final LocalDate TO = LocalDate.of(2024, 10, 4);
    private static final Instant INGEST = Instant.parse("2024-10-05T12:00:00.123456Z");
    private static final RunContext RUN = new RunContext("1728129600-0001", "prices", "fmp", INGEST, INGEST);

    @TempDir
    Path dir;

    private IcebergSink open() {
        return IcebergSink.open(IcebergConfig.from("iceberg:" + dir.resolve("ice"), Settings.of(Map.of())), Settings.of(Map.of()));
    }

    @Test
    void icebergsGenericReaderReturnsEveryDailyValueWithTheTablesTypes() {
        List<Bar> written = new ArrayList<>();
        try (IcebergSink sink = open()) {
            for (String symbol : List.of("AAPL", "BRK.B", "MSFT")) {
                List<Bar> bars = AbstractIcebergSinkTest.bars(symbol, FROM, TO, symbol.length() * 100.0);
                written.addAll(bars);
                sink.writeBars(new BarBatch(new Symbol(symbol), Interval.D1, new DateRange(FROM, TO), bars, WriteOptions.DEFAULT, RUN));
            }
            sink.flush();
            Map<String, Bar> byKey = new HashMap<>();
            written.forEach(b -> byKey.put(b.symbol().value() + " " + b.date(), b));
            List<Record> rows = read(sink, IcebergTable.PRICES_DAILY);
            assertThat(rows).hasSize(written.size());
            for (Record row : rows) {
                assertThat(row.getField("symbol")).isInstanceOf(String.class);
                assertThat(row.getField("date")).isInstanceOf(LocalDate.class);
                Bar bar = byKey.get(row.getField("symbol") + " " + row.getField("date"));
                assertThat(bar).as("a row the run wrote: %s", row).isNotNull();
                assertThat(row.getField("open")).isInstanceOf(Double.class).isEqualTo(bar.open());
                assertThat(row.getField("high")).isEqualTo(bar.high());
                assertThat(row.getField("low")).isEqualTo(bar.low());
                assertThat(row.getField("close")).isEqualTo(bar.close());
                assertThat(row.getField("adj_close")).isEqualTo(bar.adjClose());
                assertThat(row.getField("volume")).isInstanceOf(Long.class).isEqualTo(bar.volume());
                assertThat(row.getField("vwap")).as("null in every other row").isEqualTo(bar.vwap());
                assertThat(row.getField("transactions")).as("null in every third row").isEqualTo(bar.transactions());
                assertThat(row.getField("source")).isEqualTo("fmp");
                assertThat(row.getField("ingest_ts")).as("timestamptz").isEqualTo(OffsetDateTime.ofInstant(INGEST, ZoneOffset.UTC));
            }
        }
    }

    @Test
    void icebergsGenericReaderReturnsIntradayBarsWithTheirTimestamps() {
        LocalDate day = LocalDate.of(2024, 9, 4);
        List<Bar> bars = new ArrayList<>();
        Instant open = day.atTime(13, 30).toInstant(ZoneOffset.UTC);
        for (int i = 0; i < 78; i++) {
            double o = 220 + i * 0.1;
            bars.add(new Bar(new Symbol("AAPL"), Interval.M5, open.plusSeconds(300L * i), day, o, o + 0.2, o - 0.1, o + 0.1, null, 5000L + i,
                    o + 0.05, 40L + i, "polygon", Adjustment.SPLITS));
        }
        try (IcebergSink sink = open()) {
            sink.writeBars(new BarBatch(new Symbol("AAPL"), Interval.M5, new DateRange(day, day), bars, WriteOptions.DEFAULT, RUN));
            sink.flush();
            List<Record> rows = read(sink, IcebergTable.PRICES_INTRADAY);
            assertThat(rows).hasSize(78);
            List<String> got = rows.stream().map(r -> ((OffsetDateTime) r.getField("ts")).toInstant() + " " + r.getField("interval") + " " + r.getField("close")
                    + " " + r.getField("vwap") + " " + r.getField("transactions") + " " + r.getField("date")).sorted().toList();
            List<String> want = bars.stream().map(b -> b.ts() + " 5m " + b.close() + " " + b.vwap() + " " + b.transactions() + " " + b.date()).sorted().toList();
            assertThat(got).isEqualTo(want);
            assertThat(dataFiles(sink, IcebergTable.PRICES_INTRADAY)).as("one day partition, one file").hasSize(1);
        }
    }

    @Test
    void filesCarryTheTablesFieldIdsAndMetricsAndOneFilePerPartition() throws Exception {
        try (IcebergSink sink = open()) {
            for (String symbol : List.of("AAPL", "KO", "MSFT", "XOM")) {
                sink.writeBars(new BarBatch(new Symbol(symbol), Interval.D1, new DateRange(FROM, TO), AbstractIcebergSinkTest.bars(symbol, FROM, TO, 50),
                        WriteOptions.DEFAULT, RUN));
            }
            sink.flush();
            Table table = AbstractIcebergSinkTest.table(sink, IcebergTable.PRICES_DAILY);
            List<DataFile> files = dataFiles(sink, IcebergTable.PRICES_DAILY);
            assertThat(files).as("four symbols over September and October: one file per month").hasSize(2);
            DataFile september = files.stream().filter(f -> f.recordCount() == 4 * 20).findFirst().orElseThrow();
            Types.NestedField symbol = table.schema().findField("symbol");
            Types.NestedField date = table.schema().findField("date");
            assertThat(Conversions.<CharSequence>fromByteBuffer(symbol.type(), september.lowerBounds().get(symbol.fieldId())).toString()).isEqualTo("AAPL");
            assertThat(Conversions.<CharSequence>fromByteBuffer(symbol.type(), september.upperBounds().get(symbol.fieldId())).toString()).isEqualTo("XOM");
            assertThat(Conversions.<Integer>fromByteBuffer(date.type(), september.lowerBounds().get(date.fieldId()))).isEqualTo((int) FROM.toEpochDay());
            assertThat(Conversions.<Integer>fromByteBuffer(date.type(), september.upperBounds().get(date.fieldId())))
                    .isEqualTo((int) LocalDate.of(2024, 9, 30).toEpochDay());
            assertThat(september.nullValueCounts().get(table.schema().findField("vwap").fieldId())).as("vwap null in every other row").isEqualTo(4 * 10L);
            assertThat(september.valueCounts().get(symbol.fieldId())).isEqualTo(4 * 20L);

            Map<String, Integer> ids = new HashMap<>();
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duck.createStatement();
                    ResultSet rs = sql.executeQuery("SELECT name, field_id FROM parquet_schema('" + LocalFileIO.path(september.location()) + "') WHERE num_children IS NULL")) {
                while (rs.next()) {
                    ids.put(rs.getString(1), rs.getInt(2));
                }
            }
            Map<String, Integer> want = new HashMap<>();
            LakeSchemas.DAILY.getFields().forEach(f -> want.put(f.name(), table.schema().findField(f.name()).fieldId()));
            assertThat(ids).as("every Parquet column carries the table's field id").isEqualTo(want);
        }
    }

    private static List<Record> read(IcebergSink sink, IcebergTable def) {
        return sink.onIoThread("read", () -> {
            Table t = sink.tables().table(def);
            t.refresh();
            List<Record> out = new ArrayList<>();
            try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
                rows.forEach(r -> out.add(r.copy()));
            }
            return out;
        });
    }

    private static List<DataFile> dataFiles(IcebergSink sink, IcebergTable def) {
        return sink.onIoThread("plan", () -> {
            Table t = sink.tables().table(def);
            t.refresh();
            try (CloseableIterable<FileScanTask> tasks = t.newScan().includeColumnStats().planFiles()) {
                return StreamSupport.stream(tasks.spliterator(), false).map(task -> (DataFile) task.file().copy()).toList();
            }
        });
    }
}
