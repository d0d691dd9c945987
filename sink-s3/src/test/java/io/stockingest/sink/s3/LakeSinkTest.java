package io.stockingest.sink.s3;

import io.stockingest.lake.LakeLayout;
import io.stockingest.lake.ParquetFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.spi.WriteResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeSinkTest {
    private static final Instant INGEST = Instant.parse("2024-10-01T00:00:00.123456789Z");
    private static final RunContext CONTEXT = new RunContext("1727740800", "prices", "yahoo", Instant.parse("2024-10-01T00:00:00Z"), INGEST);
    private static final WriteOptions DAILY_SKIP = WriteOptions.DEFAULT;
    private static final WriteOptions DAILY_FORCE = new WriteOptions(WriteOptions.Layout.DAILY, WriteOptions.Existing.OVERWRITE);
    private static final WriteOptions YEARLY = new WriteOptions(WriteOptions.Layout.YEARLY, WriteOptions.Existing.SKIP);

    @TempDir
    Path root;

    private LakeSink sink() {
        return new LakeSink("parquet:" + root, new LocalLakeStorage(root), LakeLayout.DEFAULT);
    }

    static Bar bar(String symbol, LocalDate date, double close) {
        Instant ts = date.atTime(LocalTime.of(9, 30)).atZone(NyseCalendar.NEW_YORK).toInstant();
        return new Bar(Symbol.parse(symbol), Interval.D1, ts, date, close - 1, close + 1, close - 2, close, close * 0.99, 1_000_000L, null, 42L,
                "yahoo", Adjustment.SPLITS);
    }

    private static BarBatch batch(List<Bar> bars, DateRange range, WriteOptions options) {
        return new BarBatch(bars.getFirst().symbol(), bars.getFirst().interval(), range, bars, options, CONTEXT);
    }

    /** The lake's files except the feature files daily bars come with (LakeFeaturesTest covers those). */
    private List<String> files() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).filter(f -> !f.startsWith("features/")).sorted().toList();
        }
    }

    @Test
    void writesOneFilePerSymbolAndDayWithEveryColumn() throws IOException {
        LocalDate d1 = LocalDate.of(2024, 9, 27);
        LocalDate d2 = LocalDate.of(2024, 9, 30);
        WriteResult result = sink().writeBars(batch(List.of(bar("BRK.B", d1, 100), bar("BRK.B", d2, 101)), new DateRange(d1, d2), DAILY_SKIP));
        assertThat(result).isEqualTo(new WriteResult(2, 0, 2));
        assertThat(files()).containsExactly(
                "raw/prices/symbol=BRK.B/year=2024/month=09/BRK.B-2024-09-27.parquet",
                "raw/prices/symbol=BRK.B/year=2024/month=09/BRK.B-2024-09-30.parquet");
        List<Map<String, Object>> rows = ParquetFiles.readRows(Files.readAllBytes(root.resolve(files().get(1))));
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row).containsEntry("symbol", "BRK.B").containsEntry("date", d2)
                    .containsEntry("open", 100.0).containsEntry("high", 102.0).containsEntry("low", 99.0).containsEntry("close", 101.0)
                    .containsEntry("adj_close", 101 * 0.99).containsEntry("volume", 1_000_000L).containsEntry("vwap", null)
                    .containsEntry("transactions", 42L).containsEntry("source", "yahoo").containsEntry("venue", "US")
                    .containsEntry("ingest_ts", Instant.parse("2024-10-01T00:00:00.123456Z"));
            assertThat(row.keySet()).containsExactly("symbol", "date", "open", "high", "low", "close", "adj_close", "volume", "vwap",
                    "transactions", "source", "venue", "ingest_ts");
        });
    }

    @Test
    void skipsExistingPartitionUnlessForcedAndForceRewritesIdenticalBytes() throws IOException {
        LocalDate d = LocalDate.of(2024, 9, 27);
        BarBatch first = batch(List.of(bar("AAPL", d, 100)), DateRange.of(d), DAILY_SKIP);
        sink().writeBars(first);
        Path file = root.resolve(files().getFirst());
        byte[] original = Files.readAllBytes(file);
        assertThat(sink().writeBars(batch(List.of(bar("AAPL", d, 999)), DateRange.of(d), DAILY_SKIP))).isEqualTo(new WriteResult(0, 1, 0));
        assertThat(Files.readAllBytes(file)).isEqualTo(original);
        assertThat(sink().writeBars(batch(List.of(bar("AAPL", d, 100)), DateRange.of(d), DAILY_FORCE))).isEqualTo(new WriteResult(1, 0, 1));
        assertThat(Files.readAllBytes(file)).isEqualTo(original);
        sink().writeBars(batch(List.of(bar("AAPL", d, 999)), DateRange.of(d), DAILY_FORCE));
        assertThat(ParquetFiles.readRows(Files.readAllBytes(file)).getFirst()).containsEntry("close", 999.0);
    }

    @Test
    void yearlyBackfillInPartsMergesInsteadOfLosingTheFirstPart() throws IOException {
        LocalDate jan = LocalDate.of(2020, 1, 2);
        LocalDate jul = LocalDate.of(2020, 7, 1);
        sink().writeBars(batch(List.of(bar("AAPL", jan, 75)), new DateRange(jan, LocalDate.of(2020, 6, 30)), YEARLY));
        assertThat(sink().writeBars(batch(List.of(bar("AAPL", jul, 91)), new DateRange(jul, LocalDate.of(2020, 12, 31)), YEARLY)))
                .isEqualTo(new WriteResult(1, 0, 2));
        assertThat(files()).containsExactly("raw/prices/symbol=AAPL/year=2020/AAPL-2020.parquet");
        List<Map<String, Object>> rows = ParquetFiles.readRows(Files.readAllBytes(root.resolve(files().getFirst())));
        assertThat(rows).extracting(r -> r.get("close")).containsExactly(75.0, 91.0);
        // everything already there: skipped
        assertThat(sink().writeBars(batch(List.of(bar("AAPL", jul, 91)), DateRange.of(jul), YEARLY))).isEqualTo(new WriteResult(0, 1, 0));
    }

    @Test
    void writesIntradayQuarantineAndMetricsWhereTheLayoutSaysAndNeverHalfAFile() throws IOException {
        LocalDate d = LocalDate.of(2024, 9, 27);
        Instant ts = d.atTime(LocalTime.of(9, 35)).atZone(NyseCalendar.NEW_YORK).toInstant();
        Bar fiveMinute = new Bar(Symbol.parse("AAPL"), Interval.M5, ts, d, 1, 2, 0.5, 1.5, null, 10, 1.2, 3L, "yahoo", Adjustment.SPLITS);
        sink().writeBars(batch(List.of(fiveMinute), DateRange.of(d), DAILY_SKIP));
        sink().writeQuarantine(List.of(new Rejected(bar("AAPL", d, -5), "prices_positive", "close -5")), CONTEXT);
        assertThat(files()).containsExactly(
                "quarantine/prices/run_date=2024-10-01/run-1727740800.parquet",
                "raw/intraday/interval=5m/symbol=AAPL/year=2024/month=09/AAPL-2024-09-27.parquet");
        Map<String, Object> intraday = ParquetFiles.readRows(Files.readAllBytes(root.resolve(files().get(1)))).getFirst();
        assertThat(intraday).containsEntry("ts", ts).containsEntry("interval", "5m").containsEntry("vwap", 1.2);
        Map<String, Object> rejected = ParquetFiles.readRows(Files.readAllBytes(root.resolve(files().getFirst()))).getFirst();
        assertThat(rejected).containsEntry("rule", "prices_positive").containsEntry("detail", "close -5").containsEntry("run_id", "1727740800");
        assertThat(files()).noneMatch(name -> name.contains(".tmp-"));
    }

    @Test
    void storedSessionsReadDailyDatesFromOneListingPerSymbolAndTheSessionsInsideYearFiles() {
        LakeSink sink = sink();
        LocalDate d1 = LocalDate.of(2024, 9, 27);
        LocalDate d2 = LocalDate.of(2024, 9, 30);
        LocalDate d3 = LocalDate.of(2024, 10, 1);
        sink.writeBars(batch(List.of(bar("AAPL", d1, 100), bar("AAPL", d2, 101), bar("AAPL", d3, 102)), new DateRange(d1, d3), DAILY_SKIP));
        sink.writeBars(batch(List.of(bar("AA", LocalDate.of(2024, 9, 26), 10)), DateRange.of(LocalDate.of(2024, 9, 26)), DAILY_SKIP));
        // a yearly file written from part of its year (a --backfill stopped after June): only its sessions count
        LocalDate march = LocalDate.of(2023, 3, 1);
        LocalDate june = LocalDate.of(2023, 6, 30);
        sink.writeBars(batch(List.of(bar("MSFT", march, 200), bar("MSFT", june, 201)), new DateRange(march, june), YEARLY));
        sink.writeBars(batch(List.of(bar("MSFT", LocalDate.of(2025, 1, 2), 202)), DateRange.of(LocalDate.of(2025, 1, 2)), YEARLY));

        Map<Symbol, StoredSessions.Stored> stored = sink.storedSessions(List.of(Symbol.parse("AAPL"), Symbol.parse("AA"), Symbol.parse("MSFT"),
                Symbol.parse("IBM")), Interval.D1, new DateRange(LocalDate.of(2023, 1, 1), d2));

        assertThat(stored.get(Symbol.parse("AAPL"))).as("dates inside the range only").isEqualTo(new StoredSessions.Stored(Set.of(d1, d2)));
        assertThat(stored.get(Symbol.parse("AA"))).as("AA's prefix is not AAPL's").isEqualTo(new StoredSessions.Stored(Set.of(LocalDate.of(2024, 9, 26))));
        assertThat(stored.get(Symbol.parse("MSFT"))).as("the dates inside the 2023 file; the 2025 file is outside the range")
                .isEqualTo(new StoredSessions.Stored(Set.of(march, june)));
        assertThat(stored.get(Symbol.parse("MSFT")).covers(LocalDate.of(2023, 7, 3))).as("July is not in the file").isFalse();
        assertThat(stored.get(Symbol.parse("IBM"))).as("nothing stored").isEqualTo(StoredSessions.Stored.NONE);
        assertThat(sink.storedSessions(List.of(Symbol.parse("AAPL")), Interval.M5, new DateRange(d1, d3)).get(Symbol.parse("AAPL")))
                .as("intraday files are another prefix").isEqualTo(StoredSessions.Stored.NONE);
    }

    @Test
    void barFileNamesAreReadByTheirFixedWidthAndAnythingElseIsNoBarFile() {
        assertThat(LakeSink.dailyDate("AAPL-2024-02-29.parquet", "AAPL")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(LakeSink.dailyDate("BRK-B-2024-01-02.parquet", "BRK-B")).isEqualTo(LocalDate.of(2024, 1, 2));
        assertThat(Stream.of("AAPL-2023-02-29.parquet", "AAPL-2024-13-01.parquet", "AAPL-2024-01-32.parquet", "AAPL-2024-1a-02.parquet",
                "AAPL-2024-01-02.parquet.tmp", "AAPL-2024-01-02.csv", "AAPLX-2024-01-02.parquet", "AAPL_2024-01-02.parquet", "AAPL-2024.parquet", "_checked")
                .map(name -> LakeSink.dailyDate(name, "AAPL"))).containsOnlyNulls();
        assertThat(LakeSink.dailyDate("AA-2024-01-02.parquet", "AAPL")).as("another symbol's file").isNull();
        assertThat(LakeSink.fileYear("AAPL-2024.parquet", "AAPL")).isEqualTo(2024);
        assertThat(Stream.of("AAPL-20x4.parquet", "AAPL-2024-01-02.parquet", "AA-2024.parquet", "AAPL-2024.parquet.tmp")
                .map(name -> LakeSink.fileYear(name, "AAPL"))).containsOnly(-1);
        assertThat(LakeSink.entersFolder("year=2022", 2021, 2023)).isTrue();
        assertThat(LakeSink.entersFolder("month=07", 2021, 2023)).isTrue();
        assertThat(Stream.of("year=2020", "year=2024", "year=20x1", "_checked", "year=02021")
                .map(folder -> LakeSink.entersFolder(folder, 2021, 2023))).containsOnly(false);
    }

    @Test
    void refusesKeysOutsideTheLake() {
        LocalLakeStorage storage = new LocalLakeStorage(root);
        assertThatThrownBy(() -> storage.put("../escape.parquet", new byte[1])).hasMessageContaining("Refusing a lake path outside");
        assertThatThrownBy(() -> new LakeLayout("../up")).hasMessageContaining("S3_RAW_PREFIX '../up' must be folder names");
    }

    /**
     * Issue 17 item 3: a disk that fills in the middle of a batch (the storage fails with ENOSPC once 5 files are
     * stored; one write at a time) fails the batch, and the failure says what is durably there: the 5 files and rows.
     */
    @Test
    void aBatchThatFailsMidwayReportsTheFilesItStored() throws IOException {
        LocalDate first = LocalDate.of(2024, 9, 3);
        List<Bar> bars = NyseCalendar.instance().sessions(first, LocalDate.of(2024, 9, 16)).stream().map(s -> bar("AAPL", s.date(), 100)).toList();
        LakeStorage full = new ForwardingLakeStorage(new LocalLakeStorage(root)) {
            private int stored;

            @Override
            public boolean putIfAbsent(String key, byte[] bytes) {
                if (stored == 5) {
                    throw new io.stockingest.core.IngestException(io.stockingest.core.ErrorKind.SINK, "Cannot write " + key + ": No space left on device");
                }
                stored++;
                return super.putIfAbsent(key, bytes);
            }
        };
        LakeSink sink = new LakeSink("parquet:" + root, full, LakeLayout.DEFAULT, 1);

        assertThatThrownBy(() -> sink.writeBars(batch(bars, new DateRange(first, bars.getLast().date()), DAILY_SKIP)))
                .as("%d sessions, the disk full after 5", bars.size())
                .isInstanceOfSatisfying(io.stockingest.core.spi.PartialWriteException.class, e -> {
                    assertThat(e.written()).as("what the failed batch stored").isEqualTo(new WriteResult(5, 0, 5));
                    assertThat(e.getMessage()).contains("No space left on device");
                });
        assertThat(files()).as("the files a reader finds").hasSize(5).allMatch(f -> f.endsWith(".parquet"));
    }
    /**
     * A run killed while it rewrote its run record leaves a temporary in {@code logs/ingest/date=D/}, a folder no
     * price write lists: the next run's first record in that folder deletes it (a temporary of a live writer stays).
     */
    @Test
    void theFirstRunRecordOfARunDeletesTheTemporaryAKilledRunLeftBesideIt() throws Exception {
        Path folder = Files.createDirectories(root.resolve("logs/ingest/date=2024-10-01"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String mine = "-" + ProcessHandle.current().pid() + "-";
        Path killed = folder.resolve(LocalLakeStorage.tempName("run-1727740000.json").replace(mine, "-" + gone.pid() + "-"));
        Path live = folder.resolve(LocalLakeStorage.tempName("run-1727740001.json"));
        Files.write(killed, new byte[] {'{'});
        Files.write(live, new byte[] {'{'});
        java.nio.file.attribute.FileTime before = java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(5));
        Files.setLastModifiedTime(killed, before);
        Files.setLastModifiedTime(live, before);
        io.stockingest.core.metrics.RunReport report = new io.stockingest.core.metrics.RunReport("1727740800", "prices", "yahoo", "1d", "2024-09-27",
                "2024-09-27", List.of("parquet:" + root), Instant.parse("2024-10-01T00:00:00Z"), Instant.parse("2024-10-01T00:00:05Z"), 5000, 0, "ok",
                1, 1, 0, 1, 0, 0, 1, 0, 1, 1, Map.of(), List.of(), Map.of());

        sink().writeRun(report);

        assertThat(killed).as("the killed run's temporary").doesNotExist();
        assertThat(live).as("a live writer's temporary").exists();
        assertThat(folder.resolve("run-1727740800.json")).exists();
    }
}
