package io.stockingest.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.Rejected;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.InputFile;
import org.junit.jupiter.api.Test;

class FlatParquetEncoderTest {
    private static final Instant INGEST = Instant.parse("2025-01-02T03:04:05.123456Z");
    private static final Symbol AAPL = Symbol.parse("AAPL");

    private static Bar bar(LocalDate date, double close, Double adjClose, Double vwap, Long transactions) {
        Instant ts = date.atTime(14, 30).toInstant(java.time.ZoneOffset.UTC);
        return new Bar(AAPL, Interval.D1, ts, date, close - 1, close + 1, close - 2, close, adjClose, 1_000_000L + date.getDayOfMonth(),
                vwap, transactions, "yahoo", Adjustment.SPLITS);
    }

    private static List<GenericRecord> year() {
        return yearBars().stream().map(bar -> LakeSchemas.bar(bar, INGEST)).toList();
    }

    private static List<Bar> yearBars() {
        List<Bar> records = new ArrayList<>();
        LocalDate date = LocalDate.of(2024, 1, 2);
        for (int i = 0; i < 252; i++, date = date.plusDays(1)) {
            // nulls in runs and alone, a NaN open once
            Double adj = i % 7 == 0 || (i > 100 && i < 140) ? null : 180.25 + i;
            Bar bar = bar(date, 181.5 + i * 0.25, adj, i % 3 == 0 ? 181.0 + i : null, i == 5 ? null : 640_000L + i);
            if (i == 9) {
                bar = new Bar(AAPL, Interval.D1, bar.ts(), bar.date(), Double.NaN, bar.high(), bar.low(), bar.close(), bar.adjClose(),
                        bar.volume(), bar.vwap(), bar.transactions(), bar.source(), bar.adjustment());
            }
            records.add(bar);
        }
        return records;
    }

    @Test
    void barsEncodedStraightFromTheModelGiveTheSameBytesAsTheirAvroRecords() {
        List<Bar> daily = yearBars();
        assertThat(ParquetFiles.writeBars(LakeSchemas.DAILY, daily, INGEST))
                .as("daily bars with nulls in runs, alone and a NaN")
                .isEqualTo(ParquetFiles.write(LakeSchemas.DAILY, year()));
        List<Bar> intraday = daily.stream().map(b -> new Bar(b.symbol(), Interval.M5, b.ts(), b.date(), b.open(), b.high(), b.low(),
                b.close(), b.adjClose(), b.volume(), b.vwap(), b.transactions(), b.source(), b.adjustment())).toList();
        assertThat(ParquetFiles.writeBars(LakeSchemas.INTRADAY, intraday, INGEST))
                .as("intraday bars (ts and interval columns)")
                .isEqualTo(ParquetFiles.write(LakeSchemas.INTRADAY, intraday.stream().map(b -> LakeSchemas.bar(b, INGEST)).toList()));
        Bar one = daily.get(3);
        assertThat(ParquetFiles.readRows(ParquetFiles.writeBars(LakeSchemas.DAILY, List.of(one), INGEST)).getFirst())
                .as("values read back")
                .containsEntry("symbol", "AAPL").containsEntry("date", one.date()).containsEntry("close", one.close())
                .containsEntry("volume", one.volume()).containsEntry("source", "yahoo");
    }

    private static ParquetMetadata footer(byte[] bytes) throws IOException {
        InputFile file = new ParquetFiles.InMemoryInputFile(bytes);
        try (ParquetFileReader reader = ParquetFileReader.open(file)) {
            return reader.getFooter();
        }
    }

    @Test
    void featureRowsEncodedStraightFromTheSeriesGiveTheSameBytesAsTheirAvroRecords() {
        List<io.stockingest.core.features.Session> sessions = yearBars().stream().filter(b -> !Double.isNaN(b.open())).map(io.stockingest.core.features.Session::of).toList();
        io.stockingest.core.features.FeatureSeries series = io.stockingest.core.features.FeatureCalculator.compute(AAPL, List.of(), sessions);
        io.stockingest.core.features.FeatureSeries tail = io.stockingest.core.features.FeatureCalculator.compute(Symbol.parse("MSFT"),
                sessions.subList(150, 199), sessions.subList(199, sessions.size()));
        // slices as one file of a partition holds them: parts of several series, one empty
        List<LakeSchemas.FeatureSlice> slices = List.of(new LakeSchemas.FeatureSlice(series, 0, 3), new LakeSchemas.FeatureSlice(series, 3, 3),
                new LakeSchemas.FeatureSlice(series, 3, 120), new LakeSchemas.FeatureSlice(tail, 0, tail.size()));
        for (Schema schema : List.of(LakeSchemas.FEATURES, LakeSchemas.CUMULATIVE_7D)) {
            List<GenericRecord> records = new ArrayList<>();
            for (LakeSchemas.FeatureSlice slice : slices) {
                for (int i = slice.from(); i < slice.to(); i++) {
                    records.add(schema == LakeSchemas.FEATURES ? LakeSchemas.features(slice.series(), i, INGEST) : LakeSchemas.cumulative(slice.series(), i, INGEST));
                }
            }
            assertThat(ParquetFiles.writeFlatFeatures(schema, slices, INGEST, Map.of()).orElseThrow()).as(schema.getName())
                    .isEqualTo(ParquetFiles.write(schema, records));
        }
    }

    @Test
    void aYearOfBarsReadsBackValueForValueWithParquetAvrosReader() {
        List<GenericRecord> records = year();
        byte[] bytes = ParquetFiles.write(LakeSchemas.DAILY, records);

        List<GenericRecord> back = ParquetFiles.read(bytes);

        assertThat(back).hasSize(252);
        for (int i = 0; i < records.size(); i++) {
            for (Schema.Field field : LakeSchemas.DAILY.getFields()) {
                Object expected = records.get(i).get(field.name());
                Object actual = back.get(i).get(field.name());
                Object plain = actual instanceof CharSequence text ? text.toString()
                        : actual instanceof LocalDate date ? (int) date.toEpochDay()
                        : actual instanceof Instant instant ? LakeSchemas.micros(instant) : actual;
                assertThat(plain)
                        .as("row %d column %s", i, field.name()).isEqualTo(expected);
            }
        }
        assertThat(back.get(9).get("open")).as("NaN survives").isEqualTo(Double.NaN);
        assertThat(back.get(0).get("adj_close")).isNull();
        assertThat(back.get(5).get("transactions")).isNull();
        assertThat(back.get(0).get("ingest_ts")).isEqualTo(INGEST);
    }

    @Test
    void theFooterCarriesParquetAvrosSchemaStatisticsAndTheAvroSchema() throws IOException {
        byte[] bytes = ParquetFiles.write(LakeSchemas.DAILY, year());

        ParquetMetadata footer = footer(bytes);

        assertThat(footer.getFileMetaData().getSchema())
                .isEqualTo(new AvroSchemaConverter(new PlainParquetConfiguration()).convert(LakeSchemas.DAILY))
                .as("parquet-avro's own writer, column orders included")
                .isEqualTo(footer(ParquetFiles.writeWithParquetMr(LakeSchemas.DAILY, year())).getFileMetaData().getSchema());
        assertThat(footer.getFileMetaData().getKeyValueMetaData())
                .containsEntry("parquet.avro.schema", LakeSchemas.DAILY.toString()).containsEntry("writer.model.name", "avro");
        assertThat(footer.getBlocks()).hasSize(1);
        assertThat(footer.getBlocks().getFirst().getRowCount()).isEqualTo(252);
        Map<String, ColumnChunkMetaData> columns = new java.util.HashMap<>();
        footer.getBlocks().getFirst().getColumns().forEach(c -> columns.put(c.getPath().toDotString(), c));
        Statistics<?> date = columns.get("date").getStatistics();
        assertThat(date.genericGetMin()).isEqualTo((int) LocalDate.of(2024, 1, 2).toEpochDay());
        assertThat(date.genericGetMax()).isEqualTo((int) LocalDate.of(2024, 1, 2).plusDays(251).toEpochDay());
        assertThat(columns.get("close").getStatistics().genericGetMin()).isEqualTo(181.5);
        assertThat(columns.get("close").getStatistics().genericGetMax()).isEqualTo(181.5 + 251 * 0.25);
        assertThat(columns.get("adj_close").getStatistics().getNumNulls()).isEqualTo(36 + 39 - 5);
        assertThat(columns.get("symbol").getStatistics().minAsString()).isEqualTo("AAPL");
        assertThat(columns.get("symbol").getCodec()).as("a constant column compresses").isEqualTo(CompressionCodecName.ZSTD);
        assertThat(bytes.length).as("a year of bars stays small").isLessThan(12_000);
    }

    @Test
    void aOneRowDailyFileIsSmallUncompressedAndReadable() throws IOException {
        GenericRecord record = LakeSchemas.bar(bar(LocalDate.of(2024, 3, 1), 179.66, 179.1, null, 12L), INGEST);

        byte[] bytes = ParquetFiles.write(LakeSchemas.DAILY, List.of(record));

        assertThat(ParquetFiles.readRows(bytes)).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("symbol", "AAPL").containsEntry("date", LocalDate.of(2024, 3, 1))
                .containsEntry("close", 179.66).containsEntry("adj_close", 179.1).containsEntry("vwap", null)
                .containsEntry("transactions", 12L).containsEntry("volume", 1_000_001L).containsEntry("source", "yahoo"));
        assertThat(footer(bytes).getBlocks().getFirst().getColumns()).allSatisfy(c -> assertThat(c.getCodec()).isEqualTo(CompressionCodecName.UNCOMPRESSED));
        assertThat(footer(bytes).getFileMetaData().getCreatedBy()).isEqualTo(FlatParquetEncoder.CREATED_BY);
        assertThat(org.apache.parquet.CorruptStatistics.shouldIgnoreStatistics(FlatParquetEncoder.CREATED_BY,
                org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY)).as("readers trust our string statistics").isFalse();
    }

    @Test
    void theSameRecordsEncodeToTheSameBytes() {
        assertThat(ParquetFiles.write(LakeSchemas.DAILY, year())).isEqualTo(ParquetFiles.write(LakeSchemas.DAILY, year()));
    }

    @Test
    void intradayAndQuarantineRowsReadBackWithTheirTimestampsAndStrings() {
        Bar bar = new Bar(AAPL, Interval.M5, Instant.parse("2024-03-01T14:35:00Z"), LocalDate.of(2024, 3, 1), 1, 2, 0.5, 1.5, null, 10, 1.2, null,
                "polygon", Adjustment.SPLITS);
        GenericRecord rejected = LakeSchemas.rejected(new Rejected(bar, "high_below_low", "héllo ✓ détail"), "1735776000-abcd", INGEST);

        Map<String, Object> row = ParquetFiles.readRows(ParquetFiles.write(LakeSchemas.QUARANTINE, List.of(rejected))).getFirst();

        assertThat(row).containsEntry("ts", bar.ts()).containsEntry("interval", "5m")
                .containsEntry("detail", "héllo ✓ détail").containsEntry("run_id", "1735776000-abcd").containsEntry("vwap", 1.2);
    }

    @Test
    void schemasItDoesNotHandleGoThroughTheGeneralWriter() throws IOException {
        assertThat(FlatParquetEncoder.encode(LakeSchemas.STATEMENT, List.of())).isEmpty();
        var statement = new io.stockingest.core.model.FinancialStatement(AAPL, io.stockingest.core.model.StatementType.values()[0], "FY", 2024,
                LocalDate.of(2024, 9, 28), null, null, "USD", Map.of("revenue", 391_035_000_000.0), "fmp");
        GenericRecord record = LakeSchemas.statement(statement, INGEST);

        assertThat(FlatParquetEncoder.encode(LakeSchemas.STATEMENT, List.of(record))).as("a map column").isEmpty();
        byte[] bytes = ParquetFiles.write(LakeSchemas.STATEMENT, List.of(record));
        assertThat(footer(bytes).getFileMetaData().getCreatedBy()).startsWith("parquet-mr");
        assertThat(ParquetFiles.readRows(bytes).getFirst()).containsEntry("fiscal_year", 2024);
    }

    /** Rows of the cumulative feature files: lists of 0..7 elements (0 is not written by the lake, but the schema allows it). */
    private static List<GenericRecord> cumulativeRows(int n) {
        List<GenericRecord> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int size = i % 8;
            List<Double> opens = new ArrayList<>();
            List<Double> closes = new ArrayList<>();
            List<Long> volumes = new ArrayList<>();
            for (int k = 0; k < size; k++) {
                opens.add(100 + i + k * 0.5);
                closes.add(k == 3 && i == 13 ? Double.NaN : 101 + i - k * 0.25);
                volumes.add(1_000_000L * k + i);
            }
            GenericRecord r = new org.apache.avro.generic.GenericData.Record(LakeSchemas.CUMULATIVE_7D);
            r.put("symbol", "AAPL");
            r.put("date", (int) LocalDate.of(2024, 1, 2).plusDays(i).toEpochDay());
            r.put("opens", opens);
            r.put("highs", opens);
            r.put("lows", closes);
            r.put("closes", closes);
            r.put("volumes", volumes);
            r.put("avg_7_day_volume", size == 7 ? 3.5e6 + i : null);
            r.put("volatility_7_day", null);
            r.put("ingest_ts", INGEST.getEpochSecond() * 1_000_000L + INGEST.getNano() / 1_000);
            rows.add(r);
        }
        return rows;
    }

    @Test
    void listColumnsAreEncodedFlatAndReadBackLikeParquetAvrosOwnFile() throws IOException {
        List<GenericRecord> rows = cumulativeRows(300);

        byte[] flat = FlatParquetEncoder.encode(LakeSchemas.CUMULATIVE_7D, rows).orElseThrow();
        byte[] general = ParquetFiles.writeWithParquetMr(LakeSchemas.CUMULATIVE_7D, rows);

        assertThat(footer(flat).getFileMetaData().getSchema()).as("parquet-avro's list structure")
                .isEqualTo(footer(general).getFileMetaData().getSchema());
        assertThat(ParquetFiles.write(LakeSchemas.CUMULATIVE_7D, rows)).as("the lake's writer takes the flat path").isEqualTo(flat);
        List<Map<String, Object>> back = ParquetFiles.readRows(flat);
        assertThat(back).isEqualTo(ParquetFiles.readRows(general));
        assertThat(back.get(7).get("closes")).asList().hasSize(7).startsWith(108.0, 107.75);
        assertThat(back.get(0).get("volumes")).asList().isEmpty();
        assertThat(back.get(13).get("closes")).asList().contains(Double.NaN);
        Map<String, ColumnChunkMetaData> columns = new java.util.HashMap<>();
        footer(flat).getBlocks().getFirst().getColumns().forEach(c -> columns.put(c.getPath().toDotString(), c));
        Map<String, ColumnChunkMetaData> expected = new java.util.HashMap<>();
        footer(general).getBlocks().getFirst().getColumns().forEach(c -> expected.put(c.getPath().toDotString(), c));
        for (String column : List.of("opens.array", "volumes.array")) {
            assertThat(columns.get(column).getValueCount()).as(column + " values").isEqualTo(expected.get(column).getValueCount());
            assertThat(columns.get(column).getStatistics()).as(column + " statistics").isEqualTo(expected.get(column).getStatistics());
        }
    }
}
