package io.stockingest.sink.s3;

import io.stockingest.lake.LakeSchemas;
import io.stockingest.lake.LakeLayout;
import io.stockingest.lake.ParquetFiles;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.model.StatementType;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.spi.WriteResult;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The lake sink on a real S3 server (s3proxy on 127.0.0.1): every layout, skip/force, races, failing requests. */
class S3LakeSinkTest {
    private static final Instant INGEST = Instant.parse("2024-10-01T00:00:00.123456789Z");
    private static final RunContext CONTEXT = new RunContext("1727740800", "prices", "yahoo", Instant.parse("2024-10-01T00:00:00Z"), INGEST);
    private static final WriteOptions DAILY_FORCE = new WriteOptions(WriteOptions.Layout.DAILY, WriteOptions.Existing.OVERWRITE);
    private static final WriteOptions YEARLY = new WriteOptions(WriteOptions.Layout.YEARLY, WriteOptions.Existing.SKIP);
    private static final LocalDate D1 = LocalDate.of(2024, 9, 27);
    private static final LocalDate D2 = LocalDate.of(2024, 9, 30);

    private final String bucket = S3TestServer.newBucket();
    private final S3LakeStorage storage = S3TestServer.storage(bucket, "lake");

    private LakeSink sink() {
        return new LakeSink(storage.describe(), storage, LakeLayout.DEFAULT);
    }

    private static Bar bar(String symbol, LocalDate date, double close) {
        Instant ts = date.atTime(LocalTime.of(9, 30)).atZone(NyseCalendar.NEW_YORK).toInstant();
        return new Bar(Symbol.parse(symbol), Interval.D1, ts, date, close - 1, close + 1, close - 2, close, close * 0.99, 1_000_000L, null, 42L,
                "yahoo", Adjustment.SPLITS);
    }

    private static BarBatch batch(List<Bar> bars, DateRange range, WriteOptions options) {
        return new BarBatch(bars.getFirst().symbol(), bars.getFirst().interval(), range, bars, options, CONTEXT);
    }

    private static List<Bar> sessions(String symbol, LocalDate from, LocalDate to) {
        List<Bar> bars = new ArrayList<>();
        for (var session : NyseCalendar.instance().sessions(from, to)) {
            bars.add(bar(symbol, session.date(), 100 + session.date().getDayOfYear()));
        }
        return bars;
    }

    /** The bucket's objects except the feature files daily bars come with (LakeFeaturesTest covers those). */
    private List<String> objects() {
        List<String> keys = new ArrayList<>();
        S3TestServer.admin().listObjectsV2Paginator(r -> r.bucket(bucket)).contents().forEach(o -> keys.add(o.key()));
        return keys.stream().filter(k -> !k.contains("features/")).sorted().toList();
    }

    private Map<String, Object> row(String lakeKey) {
        return ParquetFiles.readRows(storage.get(lakeKey)).getFirst();
    }

    @Test
    void writesTheDailyLayoutUnderThePrefixWithEveryColumn() {
        WriteResult result = sink().writeBars(batch(List.of(bar("BRK.B", D1, 100), bar("BRK.B", D2, 101)), new DateRange(D1, D2), WriteOptions.DEFAULT));
        assertThat(result).isEqualTo(new WriteResult(2, 0, 2));
        assertThat(objects()).containsExactly(
                "lake/raw/prices/symbol=BRK.B/year=2024/month=09/BRK.B-2024-09-27.parquet",
                "lake/raw/prices/symbol=BRK.B/year=2024/month=09/BRK.B-2024-09-30.parquet");
        assertThat(row("raw/prices/symbol=BRK.B/year=2024/month=09/BRK.B-2024-09-30.parquet"))
                .containsEntry("symbol", "BRK.B").containsEntry("date", D2).containsEntry("open", 100.0).containsEntry("high", 102.0)
                .containsEntry("low", 99.0).containsEntry("close", 101.0).containsEntry("adj_close", 101 * 0.99).containsEntry("volume", 1_000_000L)
                .containsEntry("vwap", null).containsEntry("transactions", 42L).containsEntry("source", "yahoo")
                .containsEntry("ingest_ts", Instant.parse("2024-10-01T00:00:00.123456Z"));
    }

    @Test
    void writesAQuarterOfDailyFilesInParallelAndSkipsThemAllOnRerunUnlessForced() {
        List<Bar> year = sessions("AAPL", LocalDate.of(2023, 7, 1), LocalDate.of(2023, 9, 30));
        DateRange range = new DateRange(LocalDate.of(2023, 7, 1), LocalDate.of(2023, 9, 30));
        int n = year.size();
        assertThat(sink().writeBars(batch(year, range, WriteOptions.DEFAULT))).isEqualTo(new WriteResult(n, 0, n));
        assertThat(objects()).hasSize(n);
        String jul3 = "raw/prices/symbol=AAPL/year=2023/month=07/AAPL-2023-07-03.parquet";
        byte[] original = storage.get(jul3);
        assertThat(ParquetFiles.readRows(original).getFirst()).containsEntry("close", 100.0 + 184).containsEntry("date", LocalDate.of(2023, 7, 3));

        List<Bar> changed = year.stream().map(b -> bar("AAPL", b.date(), 999)).toList();
        assertThat(sink().writeBars(batch(changed, range, WriteOptions.DEFAULT))).isEqualTo(new WriteResult(0, n, 0));
        assertThat(storage.get(jul3)).isEqualTo(original);

        assertThat(sink().writeBars(batch(year, range, DAILY_FORCE))).isEqualTo(new WriteResult(n, 0, n));
        assertThat(storage.get(jul3)).as("a forced rerun of the same input writes identical bytes").isEqualTo(original);
        sink().writeBars(batch(changed, range, DAILY_FORCE));
        assertThat(row(jul3)).containsEntry("close", 999.0);
    }

    @Test
    void yearlyBackfillInPartsMergesOnS3() {
        LocalDate jan = LocalDate.of(2020, 1, 2);
        LocalDate jul = LocalDate.of(2020, 7, 1);
        sink().writeBars(batch(List.of(bar("AAPL", jan, 75)), new DateRange(jan, LocalDate.of(2020, 6, 30)), YEARLY));
        assertThat(sink().writeBars(batch(List.of(bar("AAPL", jul, 91), bar("AAPL", LocalDate.of(2021, 1, 4), 130)),
                new DateRange(jul, LocalDate.of(2021, 1, 4)), YEARLY))).isEqualTo(new WriteResult(2, 0, 3));
        assertThat(objects()).containsExactly("lake/raw/prices/symbol=AAPL/year=2020/AAPL-2020.parquet",
                "lake/raw/prices/symbol=AAPL/year=2021/AAPL-2021.parquet");
        assertThat(ParquetFiles.readRows(storage.get("raw/prices/symbol=AAPL/year=2020/AAPL-2020.parquet")))
                .extracting(r -> r.get("date"), r -> r.get("close"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(jan, 75.0), org.assertj.core.groups.Tuple.tuple(jul, 91.0));
        assertThat(sink().writeBars(batch(List.of(bar("AAPL", jul, 91)), DateRange.of(jul), YEARLY))).isEqualTo(new WriteResult(0, 1, 0));
        // daily files live beside the yearly ones without clashing
        assertThat(sink().writeBars(batch(List.of(bar("AAPL", jul, 91)), DateRange.of(jul), WriteOptions.DEFAULT))).isEqualTo(new WriteResult(1, 0, 1));
        assertThat(objects()).contains("lake/raw/prices/symbol=AAPL/year=2020/month=07/AAPL-2020-07-01.parquet");
    }

    @Test
    void aYearlyMergeThatLosesToAnotherWriterMergesAgainAndKeepsBothWritersRows() {
        LocalDate jan = LocalDate.of(2020, 1, 2);
        LocalDate mar = LocalDate.of(2020, 3, 2);
        LocalDate jul = LocalDate.of(2020, 7, 1);
        String key = "raw/prices/symbol=AAPL/year=2020/AAPL-2020.parquet";
        sink().writeBars(batch(List.of(bar("AAPL", jan, 75)), DateRange.of(jan), YEARLY));
        // another runner stores March between this run's read of the file and its write
        AtomicInteger reads = new AtomicInteger();
        LakeStorage interleaved = new ForwardingLakeStorage(storage) {
            @Override
            public java.util.Optional<Versioned> getVersioned(String k) {
                var current = super.getVersioned(k);
                if (reads.incrementAndGet() == 1) {
                    new LakeSink("other", storage, LakeLayout.DEFAULT).writeBars(batch(List.of(bar("AAPL", mar, 80)), DateRange.of(mar), YEARLY));
                }
                return current;
            }
        };

        WriteResult result = new LakeSink("s3", interleaved, LakeLayout.DEFAULT).writeBars(batch(List.of(bar("AAPL", jul, 91)), DateRange.of(jul), YEARLY));

        assertThat(result).isEqualTo(new WriteResult(1, 0, 3));
        assertThat(reads).as("read, lost the If-Match race, read again").hasValue(2);
        assertThat(ParquetFiles.readRows(storage.get(key))).extracting(r -> r.get("date"), r -> r.get("close")).containsExactly(
                org.assertj.core.groups.Tuple.tuple(jan, 75.0), org.assertj.core.groups.Tuple.tuple(mar, 80.0), org.assertj.core.groups.Tuple.tuple(jul, 91.0));
    }

    @Test
    void onAServerWithoutConditionalWritesTheMergeFallsBackToAnEtagCheckThenPut() throws Exception {
        String key = "raw/prices/symbol=AAPL/year=2020/AAPL-2020.parquet";
        LocalDate jan = LocalDate.of(2020, 1, 2);
        LocalDate jul = LocalDate.of(2020, 7, 1);
        sink().writeBars(batch(List.of(bar("AAPL", jan, 75)), DateRange.of(jan), YEARLY));
        try (NoConditionalWritesProxy proxy = new NoConditionalWritesProxy(S3TestServer.endpoint())) {
            S3LakeStorage plain = S3TestServer.storage(bucket, "lake", S3TestServer.settings(proxy.endpoint(), Map.of()));
            LakeStorage.Versioned read = plain.getVersioned(key).orElseThrow();
            storage.put(key, ParquetFiles.write(LakeSchemas.DAILY, List.of(LakeSchemas.bar(bar("AAPL", jan, 76), INGEST))));

            assertThat(plain.replaceIfUnchanged(key, read.bytes(), read.version())).as("the ETag changed").isFalse();
            assertThat(proxy.refused()).as("If-Match answered 501 once").isEqualTo(1);
            assertThat(plain.conditionalWrites()).isFalse();
            assertThat(row(key)).containsEntry("close", 76.0);

            WriteResult merged = new LakeSink("plain", plain, LakeLayout.DEFAULT)
                    .writeBars(batch(List.of(bar("AAPL", jul, 91)), DateRange.of(jul), YEARLY));
            assertThat(merged).isEqualTo(new WriteResult(1, 0, 2));
            assertThat(proxy.refused()).as("no conditional request after the first 501").isEqualTo(1);
            assertThat(ParquetFiles.readRows(storage.get(key))).extracting(r -> r.get("date"), r -> r.get("close")).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(jan, 76.0), org.assertj.core.groups.Tuple.tuple(jul, 91.0));
        }
    }

    @Test
    void writesIntradayQuarantineAndRunMetrics() {
        Instant ts = D1.atTime(LocalTime.of(9, 35)).atZone(NyseCalendar.NEW_YORK).toInstant();
        Bar fiveMinute = new Bar(Symbol.parse("AAPL"), Interval.M5, ts, D1, 1, 2, 0.5, 1.5, null, 10, 1.2, 3L, "yahoo", Adjustment.SPLITS);
        LakeSink sink = sink();
        sink.writeBars(batch(List.of(fiveMinute), DateRange.of(D1), WriteOptions.DEFAULT));
        sink.writeQuarantine(List.of(new Rejected(bar("AAPL", D1, -5), "prices_positive", "close -5")), CONTEXT);
        RunReport report = new RunReport("1727740800", "prices", "yahoo", "1d", "2024-09-27", "2024-09-27", List.of(storage.describe()),
                Instant.parse("2024-10-01T00:00:00Z"), Instant.parse("2024-10-01T00:00:05Z"), 5000, 0, "ok", 1, 1, 0, 1, 0, 0, 1, 0, 1, 1,
                Map.of("prices_positive", 1L), List.of(), Map.of());
        sink.writeRun(report);
        assertThat(objects()).containsExactly(
                "lake/logs/ingest/date=2024-10-01/run-1727740800.json",
                "lake/quarantine/prices/run_date=2024-10-01/run-1727740800.parquet",
                "lake/raw/intraday/interval=5m/symbol=AAPL/year=2024/month=09/AAPL-2024-09-27.parquet");
        assertThat(row("raw/intraday/interval=5m/symbol=AAPL/year=2024/month=09/AAPL-2024-09-27.parquet"))
                .containsEntry("ts", ts).containsEntry("interval", "5m").containsEntry("vwap", 1.2).containsEntry("close", 1.5);
        assertThat(row("quarantine/prices/run_date=2024-10-01/run-1727740800.parquet"))
                .containsEntry("rule", "prices_positive").containsEntry("detail", "close -5").containsEntry("run_id", "1727740800");
        RunReport stored = RunReport.fromJson(new String(storage.get("logs/ingest/date=2024-10-01/run-1727740800.json"), UTF_8));
        assertThat(stored).isEqualTo(report);
    }

    @Test
    void writesStatementsOptionsAndActions() {
        LakeSink sink = sink();
        FinancialStatement income = new FinancialStatement(Symbol.parse("AAPL"), StatementType.INCOME, "FY", 2024, LocalDate.of(2024, 9, 28),
                LocalDate.of(2024, 11, 1), Instant.parse("2024-11-01T10:01:36Z"), "USD", Map.of("revenue", 391035000000.0, "eps", 6.11), "fmp");
        FinancialStatement balance = new FinancialStatement(Symbol.parse("AAPL"), StatementType.BALANCE, "FY", 2024, LocalDate.of(2024, 9, 28),
                LocalDate.of(2024, 11, 1), Instant.parse("2024-11-01T10:01:36Z"), "USD", Map.of("totalAssets", 364980000000.0), "fmp");
        assertThat(sink.writeStatements(List.of(income, balance), WriteOptions.DEFAULT, CONTEXT)).isEqualTo(new WriteResult(2, 0, 2));
        assertThat(sink.writeStatements(List.of(income, balance), WriteOptions.DEFAULT, CONTEXT)).isEqualTo(new WriteResult(0, 2, 0));
        OptionSnapshot call = new OptionSnapshot("O:AAPL241018C00150000", Symbol.parse("AAPL"), "call", "american", 150, LocalDate.of(2024, 10, 18),
                100.0, 1.0, 2.0, 0.5, 1.5, 10.0, 1.2, 500.0, 0.35, 0.6, 0.02, -0.1, 0.2, 151.5, 148.0, Instant.parse("2024-09-30T20:00:00Z"),
                LocalDate.of(2024, 9, 30), "polygon");
        assertThat(sink.writeOptions(List.of(call), WriteOptions.DEFAULT, CONTEXT)).isEqualTo(new WriteResult(1, 0, 1));
        assertThat(sink.writeOptions(List.of(call), WriteOptions.DEFAULT, CONTEXT)).isEqualTo(new WriteResult(0, 1, 0));
        CorporateAction split = new CorporateAction(Symbol.parse("AAPL"), CorporateAction.Type.SPLIT, LocalDate.of(2020, 8, 31), null, 4.0, 1.0,
                null, null, null, null, "yahoo");
        assertThat(sink.writeActions(List.of(split), WriteOptions.DEFAULT, CONTEXT)).isEqualTo(new WriteResult(1, 0, 1));
        assertThat(sink.writeActions(List.of(split), WriteOptions.DEFAULT, CONTEXT)).isEqualTo(new WriteResult(0, 1, 0));

        assertThat(objects()).containsExactly(
                "lake/raw/actions/type=split/symbol=AAPL/AAPL-splits.parquet",
                "lake/raw/fundamentals/type=balance/symbol=AAPL/year=2024/docdate=2024-09-28/AAPL-2024-09-28.parquet",
                "lake/raw/fundamentals/type=income/symbol=AAPL/year=2024/docdate=2024-09-28/AAPL-2024-09-28.parquet",
                "lake/raw/options/underlying=AAPL/date=2024-09-30/AAPL-2024-09-30.parquet");
        assertThat(row("raw/fundamentals/type=income/symbol=AAPL/year=2024/docdate=2024-09-28/AAPL-2024-09-28.parquet"))
                .containsEntry("statement_type", "income").containsEntry("fiscal_year", 2024).containsEntry("currency", "USD");
        assertThat(row("raw/options/underlying=AAPL/date=2024-09-30/AAPL-2024-09-30.parquet"))
                .containsEntry("contract", "O:AAPL241018C00150000").containsEntry("strike", 150.0).containsEntry("delta", 0.6);
        assertThat(row("raw/actions/type=split/symbol=AAPL/AAPL-splits.parquet")).containsEntry("numerator", 4.0).containsEntry("denominator", 1.0);
    }

    @Test
    void twoRunnersRacingOnTheSameBatchWriteEachFileOnceAndTheLoserSkips() throws Exception {
        List<Bar> month = sessions("MSFT", LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 30));
        DateRange range = new DateRange(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 30));
        // both runners list before either writes, so both try every file: the conditional write decides (without
        // features: their listings after the price files would wait at the barrier for the other runner forever)
        CyclicBarrier listed = new CyclicBarrier(2);
        WriteOptions pricesOnly = new WriteOptions(WriteOptions.Layout.DAILY, WriteOptions.Existing.SKIP, WriteOptions.Features.SKIP);
        List<Future<WriteResult>> results = new ArrayList<>();
        try (ExecutorService runners = Executors.newFixedThreadPool(2)) {
            for (int runner = 0; runner < 2; runner++) {
                LakeStorage own = new BarrierAfterList(S3TestServer.storage(bucket, "lake"), listed);
                results.add(runners.submit(() -> new LakeSink("runner", own, LakeLayout.DEFAULT, 4).writeBars(batch(month, range, pricesOnly))));
            }
        }
        WriteResult a = results.get(0).get();
        WriteResult b = results.get(1).get();
        assertThat(a.filesWritten() + b.filesWritten()).isEqualTo(month.size());
        assertThat(a.filesSkipped() + b.filesSkipped()).isEqualTo(month.size());
        assertThat(a.filesWritten() + a.filesSkipped()).isEqualTo(month.size());
        assertThat(objects()).hasSize(month.size());
    }

    @Test
    void retriesThroughAServerThatFailsSomeRequestsAndEveryFileIsWhole() throws Exception {
        try (FlakyProxy flaky = new FlakyProxy(S3TestServer.endpoint(), 4)) {
            S3LakeStorage throughProxy = S3TestServer.storage(bucket, "lake", S3TestServer.settings(flaky.endpoint(),
                    Map.of("S3_MAX_ATTEMPTS", "10")));
            List<Bar> month = sessions("NVDA", LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 30));
            WriteResult result = new LakeSink("flaky", throughProxy, LakeLayout.DEFAULT, 4)
                    .writeBars(batch(month, new DateRange(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 30)), WriteOptions.DEFAULT));
            assertThat(flaky.failed()).as("the proxy failed requests").isEqualTo(4);
            assertThat(result).isEqualTo(new WriteResult(month.size(), 0, month.size()));
            for (Bar bar : month) {
                String key = LakeLayout.DEFAULT.dailyPrice(bar.symbol(), bar.date());
                assertThat(row(key)).containsEntry("date", bar.date()).containsEntry("close", bar.close());
            }
        }
    }

    @Test
    void aServerThatKeepsFailingIsASinkErrorNamingTheKeyAndLeavesOnlyWholeFiles() throws Exception {
        try (FlakyProxy flaky = new FlakyProxy(S3TestServer.endpoint(), 0)) {
            S3LakeStorage throughProxy = S3TestServer.storage(bucket, "lake", S3TestServer.settings(flaky.endpoint(),
                    Map.of("S3_MAX_ATTEMPTS", "2")));
            LakeSink sink = new LakeSink("flaky", throughProxy, LakeLayout.DEFAULT, 1);
            List<Bar> month = sessions("AMD", LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 30));
            DateRange range = new DateRange(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 30));
            sink.writeBars(batch(month.subList(0, 5), range, WriteOptions.DEFAULT));
            flaky.failNext(1_000);
            assertThatThrownBy(() -> sink.writeBars(batch(month, range, DAILY_FORCE)))
                    .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.SINK))
                    .hasMessageContaining("s3://" + bucket + "/lake/raw/prices/symbol=AMD/")
                    .hasMessageContaining("500")
                    .hasMessageNotContaining(S3TestServer.SECRET_KEY);
            assertThat(objects()).hasSize(5);
            for (String key : objects()) {
                assertThat(ParquetFiles.readRows(storage.get(key.substring("lake/".length())))).hasSize(1);
            }
        }
    }

    @Test
    void theFactoryBuildsTheSinkFromTheUriOrFromS3Bucket() {
        try (var sink = new S3SinkFactory().create("s3://" + bucket + "/team", S3TestServer.settings())) {
            assertThat(sink.name()).isEqualTo("s3://" + bucket + "/team");
            sink.writeBars(batch(List.of(bar("AAPL", D1, 100)), DateRange.of(D1), WriteOptions.DEFAULT));
        }
        try (var sink = new S3SinkFactory().create("s3", S3TestServer.settings().with("S3_BUCKET", bucket).with("S3_RAW_PREFIX", "bronze"))) {
            assertThat(sink.name()).isEqualTo("s3://" + bucket);
            sink.writeBars(batch(List.of(bar("AAPL", D1, 100)), DateRange.of(D1), WriteOptions.DEFAULT));
        }
        assertThat(objects()).containsExactly("bronze/prices/symbol=AAPL/year=2024/month=09/AAPL-2024-09-27.parquet",
                "team/raw/prices/symbol=AAPL/year=2024/month=09/AAPL-2024-09-27.parquet");
    }

    @Test
    void readsATickersFileFromS3() {
        S3TestServer.admin().putObject(r -> r.bucket(bucket).key("config/tickers.csv"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("symbol,name\nAAPL,Apple\nBRK.B,Berkshire\n"));
        assertThat(S3Objects.readText("s3://" + bucket + "/config/tickers.csv", S3TestServer.settings()))
                .isEqualTo("symbol,name\nAAPL,Apple\nBRK.B,Berkshire\n");
        assertThatThrownBy(() -> S3Objects.readText("s3://" + bucket + "/config/missing.csv", S3TestServer.settings()))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USAGE))
                .hasMessage("Cannot read s3://" + bucket + "/config/missing.csv: no such object");
    }

    /** Lets every runner list before any writes. */
    @Test
    void storedSessionsListEachSymbolPrefixOnceAndReadOnlyYearFiles() {
        sink().writeBars(batch(List.of(bar("AAPL", D1, 100), bar("AAPL", D2, 101)), new DateRange(D1, D2), WriteOptions.DEFAULT));
        sink().writeBars(batch(List.of(bar("MSFT", D1, 200)), DateRange.of(D1), YEARLY));
        List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
        LakeStorage counted = new ForwardingLakeStorage(storage) {
            @Override
            public Set<String> list(String prefix) {
                calls.add("list " + prefix);
                return super.list(prefix);
            }

            @Override
            public byte[] get(String key) {
                calls.add("get " + key);
                return super.get(key);
            }

            @Override
            public java.util.Optional<Versioned> getVersioned(String key) {
                calls.add("get " + key);
                return super.getVersioned(key);
            }
        };

        Map<Symbol, StoredSessions.Stored> stored = new LakeSink("s3", counted, LakeLayout.DEFAULT)
                .storedSessions(List.of(Symbol.parse("AAPL"), Symbol.parse("MSFT"), Symbol.parse("IBM")), Interval.D1, new DateRange(D1, D2));

        assertThat(stored.get(Symbol.parse("AAPL")).dates()).containsExactlyInAnyOrder(D1, D2);
        assertThat(stored.get(Symbol.parse("MSFT")).dates()).as("the sessions inside the yearly file, not its whole year").containsExactly(D1);
        assertThat(stored.get(Symbol.parse("IBM"))).isEqualTo(StoredSessions.Stored.NONE);
        assertThat(calls).as("one ListObjectsV2 per symbol, a GET per year file only").containsExactlyInAnyOrder(
                "list raw/prices/symbol=AAPL/", "list raw/prices/symbol=MSFT/", "list raw/prices/symbol=IBM/",
                "get raw/prices/symbol=MSFT/year=2024/MSFT-2024.parquet");
    }

    private static final class BarrierAfterList extends ForwardingLakeStorage {
        private final CyclicBarrier barrier;

        BarrierAfterList(LakeStorage delegate, CyclicBarrier barrier) {
            super(delegate);
            this.barrier = barrier;
        }

        @Override
        public Set<String> list(String prefix) {
            Set<String> keys = super.list(prefix);
            try {
                barrier.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return keys;
        }
    }
}
