package io.stockingest.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.InMemorySink;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PriceIngestTest {
    private static final LocalDate MON = LocalDate.of(2024, 9, 23);
    private static final DateRange WEEK = new DateRange(MON, MON.plusDays(4));
    private final FakeTicker ticker = new FakeTicker();

    /** A source answering per symbol with a function. */
    private record FakeSource(Function<Symbol, List<Bar>> answer, AtomicInteger calls, Map<Symbol, Integer> perSymbol) implements Source {
        FakeSource(Function<Symbol, List<Bar>> answer) {
            this(answer, new AtomicInteger(), new ConcurrentHashMap<>());
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Set<Dataset> datasets() {
            return Set.of(Dataset.PRICES);
        }

        @Override
        public List<Bar> fetchBars(BarRequest request) {
            calls.incrementAndGet();
            Symbol symbol = request.symbols().getFirst();
            perSymbol.merge(symbol, 1, Integer::sum);
            return answer.apply(symbol);
        }
    }

    static Bar bar(String symbol, LocalDate date, double open, double high, double low, double close) {
        Instant ts = date.atTime(LocalTime.of(9, 30)).atZone(NyseCalendar.NEW_YORK).toInstant();
        return new Bar(Symbol.parse(symbol), Interval.D1, ts, date, open, high, low, close, null, 1000, null, null, "fake", Adjustment.SPLITS);
    }

    static List<Bar> week(String symbol) {
        return WEEK.dates().map(d -> bar(symbol, d, 10, 11, 9, 10.5)).toList();
    }

    private PriceJob job(List<String> symbols, double maxShare) {
        return new PriceJob(symbols.stream().map(Symbol::parse).toList(), Interval.D1, WEEK, BarRequest.Hours.REGULAR, WriteOptions.DEFAULT,
                Shard.ALL, 4, maxShare);
    }

    private RunReport run(Source source, InMemorySink sink, PriceJob job) {
        return new PriceIngest(source, List.of(sink), Calendars.standard(), ticker, Progress.silent())
                .run(job, RunContext.start("prices", source.name(), ticker.now()));
    }

    @Test
    void writesEverySymbolAndReportsCounts() {
        InMemorySink sink = new InMemorySink();
        RunReport report = run(new FakeSource(s -> week(s.value())), sink, job(List.of("AAPL", "MSFT"), 0.05));
        assertThat(report.exitCode()).isZero();
        assertThat(report.status()).isEqualTo("succeeded");
        assertThat(report.symbolsSucceeded()).isEqualTo(2);
        assertThat(report.rowsWritten()).isEqualTo(10);
        assertThat(sink.bars()).hasSize(10).containsKey("AAPL/2024-09-27");
        assertThat(sink.runs()).hasSize(1);
        assertThat(report.symbols().get("MSFT").rowsFetched()).isEqualTo(5);
    }

    @Test
    void quarantinesBadRowsWithTheRuleAndKeepsTheRest() {
        InMemorySink sink = new InMemorySink();
        List<Bar> bars = new java.util.ArrayList<>(week("AAPL"));
        bars.set(1, bar("AAPL", MON.plusDays(1), 10, 9, 8, 10.5)); // high below close
        RunReport report = run(new FakeSource(s -> bars), sink, job(List.of("AAPL"), 0.5));
        assertThat(report.exitCode()).isZero();
        assertThat(report.rowsWritten()).isEqualTo(4);
        assertThat(report.quarantinedByRule()).containsEntry("ohlc_consistent", 1L);
        assertThat(sink.quarantine()).singleElement().satisfies(r -> {
            assertThat(r.rule()).isEqualTo("ohlc_consistent");
            assertThat(r.bar().date()).isEqualTo(MON.plusDays(1));
        });
    }

    @Test
    void gateStopsASymbolOverTheQuarantineThresholdAndExits3() {
        InMemorySink sink = new InMemorySink();
        List<Bar> bars = new java.util.ArrayList<>(week("AAPL"));
        bars.set(0, bar("AAPL", MON, -1, 11, 9, 10));
        RunReport report = run(new FakeSource(s -> s.value().equals("AAPL") ? bars : week(s.value())), sink,
                job(List.of("AAPL", "MSFT"), 0.05).withQuarantineShareMinRows(5));
        assertThat(report.exitCode()).isEqualTo(3);
        assertThat(report.status()).isEqualTo("gated");
        assertThat(report.symbols().get("AAPL").status()).isEqualTo("gated");
        assertThat(report.symbols().get("AAPL").errors()).singleElement().asString()
                .startsWith("data-quality gate: 1 of 5 rows broke row rules (limit 5.0%)");
        assertThat(sink.bars()).doesNotContainKey("AAPL/2024-09-24").containsKey("MSFT/2024-09-24");
    }

    @Test
    void aBadRowAmongFewerThanTheMinimumIsQuarantinedWithoutRefusingTheSymbol() {
        InMemorySink sink = new InMemorySink();
        List<Bar> bars = new java.util.ArrayList<>(week("AAPL"));
        bars.set(0, bar("AAPL", MON, -1, 11, 9, 10));
        RunReport report = run(new FakeSource(s -> bars), sink, job(List.of("AAPL"), 0.05));
        assertThat(report.exitCode()).as("1 bad row of 5 is below the default 20 rows the share is judged from").isZero();
        assertThat(report.rowsWritten()).isEqualTo(4);
        assertThat(report.quarantinedByRule()).containsEntry("prices_positive", 1L);
        assertThat(sink.bars()).doesNotContainKey("AAPL/2024-09-23").containsKey("AAPL/2024-09-24");
    }

    @Test
    void theShareIsJudgedFromTheMinimumRowsOn() {
        PriceJob job = job(List.of("AAPL"), 0.05);
        assertThat(job.quarantineShareMinRows()).isEqualTo(20);
        assertThat(job.shareGateStops(19, 19)).as("19 rows, all bad, are below the minimum").isFalse();
        assertThat(job.shareGateStops(2, 20)).as("2 of 20 is 10%, over 5%").isTrue();
        assertThat(job.shareGateStops(1, 20)).as("1 of 20 is exactly 5%").isFalse();
        assertThat(job.withQuarantineShareMinRows(3).shareGateStops(1, 3)).isTrue();
    }

    @Test
    void emptyAnswerIsAFailedSymbolNotSuccessNorAGateBreach() {
        RunReport report = run(new FakeSource(s -> List.of()), new InMemorySink(), job(List.of("AAPL"), 0.05));
        assertThat(report.exitCode()).as("a symbol that returned nothing failed (exit 1); no gate refused data").isEqualTo(1);
        assertThat(report.symbols().get("AAPL").status()).isEqualTo("failed");
        assertThat(report.symbols().get("AAPL").errors()).singleElement().asString().contains("returned no bars for AAPL");
    }

    @Test
    void aFailedSymbolDoesNotStopTheOthersAndExits1() {
        InMemorySink sink = new InMemorySink();
        FakeSource source = new FakeSource(s -> {
            if (s.value().equals("NOPE")) {
                throw new IngestException(ErrorKind.NOT_FOUND, "Cannot fetch NOPE from fake: unknown symbol");
            }
            return week(s.value());
        });
        RunReport report = run(source, sink, job(List.of("AAPL", "NOPE", "MSFT"), 0.05));
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.symbolsFailed()).isEqualTo(1);
        assertThat(report.symbols().get("NOPE").errors()).containsExactly("Cannot fetch NOPE from fake: unknown symbol");
        assertThat(sink.bars()).hasSize(10);
    }

    @Test
    void rejectedCredentialsStopTheRunAndExit2() {
        List<String> symbols = java.util.stream.IntStream.range(0, 50).mapToObj(i -> "S" + i).toList();
        FakeSource source = new FakeSource(s -> {
            throw new IngestException(ErrorKind.AUTH, "Cannot fetch from fake: invalid key; check FAKE_API_KEY");
        });
        PriceJob job = new PriceJob(symbols.stream().map(Symbol::parse).toList(), Interval.D1, WEEK, BarRequest.Hours.REGULAR,
                WriteOptions.DEFAULT, Shard.ALL, 1, 0.05);
        RunReport report = run(source, new InMemorySink(), job);
        assertThat(report.exitCode()).isEqualTo(2);
        assertThat(source.calls().get()).isLessThan(5);
        assertThat(report.errors()).containsExactly("Cannot fetch from fake: invalid key; check FAKE_API_KEY");
        assertThat(report.symbols().values()).filteredOn(s -> s.status().equals("not_attempted")).hasSizeGreaterThan(40);
    }

    @Test
    void anInternalErrorFailsTheSymbolInsteadOfPassingAsSuccess() {
        InMemorySink sink = new InMemorySink();
        FakeSource source = new FakeSource(s -> {
            throw new NoClassDefFoundError("org/example/Missing");
        });
        RunReport report = run(source, sink, job(List.of("AAPL"), 0.05));
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.symbols().get("AAPL").errors()).singleElement().asString().contains("NoClassDefFoundError");
    }

    @Test
    void aFullHeapFailsTheSymbolAndSaysWhatToRaise() {
        FakeSource source = new FakeSource(s -> {
            throw new OutOfMemoryError("Java heap space");
        });
        RunReport report = run(source, new InMemorySink(), job(List.of("AAPL"), 0.05));
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.symbols().get("AAPL").errors()).singleElement().asString().startsWith("Out of memory on ").contains("(Java heap space)")
                .contains("STOCK_INGEST_OPTS=-Xmx2g").contains("lower MAX_WORKERS");
    }

    @Test
    void aSinkFailureFailsTheSymbolWithTheSinkNamed() {
        InMemorySink sink = new InMemorySink();
        sink.failWith(new IngestException(ErrorKind.SINK, "disk full"));
        RunReport report = run(new FakeSource(s -> week(s.value())), sink, job(List.of("AAPL"), 0.05));
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.symbols().get("AAPL").errors()).containsExactly("Cannot write AAPL to memory: disk full");
    }

    /** Issue 17 item 3: what a failed write stored before failing is counted, not reported as 0 written. */
    @Test
    void aWriteThatFailsMidwayCountsWhatItStored() {
        InMemorySink sink = new InMemorySink();
        sink.failWith(new io.stockingest.core.spi.PartialWriteException(new IngestException(ErrorKind.SINK, "No space left on device"),
                new io.stockingest.core.spi.WriteResult(3, 0, 3)));
        RunReport report = run(new FakeSource(s -> week(s.value())), sink, job(List.of("AAPL"), 0.05));
        assertThat(report.exitCode()).as("the symbol failed").isEqualTo(1);
        assertThat(report.symbols().get("AAPL").errors()).containsExactly("Cannot write AAPL to memory: No space left on device");
        assertThat(report.filesWritten()).as("files stored before the failure").isEqualTo(3);
        assertThat(report.rowsWritten()).as("rows stored before the failure").isEqualTo(3);
    }

    @Test
    void perSymbolStartsFetchOnlyTheMissingDaysAndAnUpToDateSymbolFetchesNothing() {
        InMemorySink sink = new InMemorySink();
        List<String> planned = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> fetched = new java.util.concurrent.CopyOnWriteArrayList<>();
        Source source = new Source() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Set<Dataset> datasets() {
                return Set.of(Dataset.PRICES);
            }

            @Override
            public List<BarRequest> planBars(List<Symbol> symbols, Interval interval, DateRange range, BarRequest.Hours hours) {
                planned.add(symbols + " " + range);
                return Source.super.planBars(symbols, interval, range, hours);
            }

            @Override
            public List<Bar> fetchBars(BarRequest request) {
                Symbol symbol = request.symbols().getFirst();
                fetched.add(symbol.value() + " " + request.range());
                return request.range().dates().map(d -> bar(symbol.value(), d, 10, 11, 9, 10.5)).toList();
            }
        };
        LocalDate wed = MON.plusDays(2);
        PriceJob job = job(List.of("AAPL", "MSFT", "NEW", "IBM"), 0.05)
                .withStarts(Map.of(Symbol.parse("AAPL"), wed, Symbol.parse("IBM"), wed, Symbol.parse("MSFT"), MON.plusDays(7)));

        assertThat(job.rangeOf(Symbol.parse("AAPL"))).contains(new DateRange(wed, WEEK.to()));
        assertThat(job.rangeOf(Symbol.parse("NEW"))).as("nothing stored: the job's range").contains(WEEK);
        assertThat(job.rangeOf(Symbol.parse("MSFT"))).as("start after --to: up to date").isEmpty();
        assertThat(job.withStarts(Map.of(Symbol.parse("AAPL"), MON.minusDays(30))).rangeOf(Symbol.parse("AAPL")))
                .as("the symbol's own start replaces --from, also when earlier").contains(new DateRange(MON.minusDays(30), WEEK.to()));

        RunReport report = run(source, sink, job);
        assertThat(planned).as("symbols sharing a start are planned together").containsExactly(
                "[AAPL, IBM] " + new DateRange(wed, WEEK.to()), "[NEW] " + WEEK);
        assertThat(fetched).containsExactlyInAnyOrder("AAPL " + new DateRange(wed, WEEK.to()), "IBM " + new DateRange(wed, WEEK.to()), "NEW " + WEEK);
        assertThat(report.exitCode()).as(report.summary()).isZero();
        assertThat(report.symbolsSucceeded()).isEqualTo(4);
        assertThat(report.symbols().get("MSFT").status()).isEqualTo("up_to_date");
        assertThat(report.symbols().get("MSFT").requests()).isZero();
        assertThat(report.symbols().get("AAPL").status()).isEqualTo("ok");
        assertThat(report.rowsWritten()).isEqualTo(3 + 3 + 5);
        assertThat(sink.bars()).containsKeys("AAPL/2024-09-25", "AAPL/2024-09-27", "NEW/2024-09-23").doesNotContainKeys("AAPL/2024-09-24", "MSFT/2024-09-23");
        assertThat(report.summary()).contains("symbols   4 requested, 4 succeeded, 0 failed (1 already up to date, nothing fetched)");
    }

    @Test
    void shardsSplitTheUniverseWithoutOverlap() {
        List<Symbol> universe = java.util.stream.IntStream.range(0, 200).mapToObj(i -> Symbol.parse("T" + i)).toList();
        Set<Symbol> seen = new java.util.HashSet<>();
        for (int k = 0; k < 4; k++) {
            Shard shard = new Shard(k, 4);
            universe.stream().filter(shard::includes).forEach(s -> assertThat(seen.add(s)).isTrue());
        }
        assertThat(seen).hasSize(200);
        assertThat(new Shard(1, 4).includes(Symbol.parse("AAPL"))).isEqualTo(new Shard(1, 4).includes(Symbol.parse("AAPL")));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Shard.parse("4/4")).hasMessageContaining("use K/N with 0 <= K < N");
    }

    @Test
    void metricsSerialiseToSnakeCaseJsonAndBack() {
        RunReport report = run(new FakeSource(s -> week(s.value())), new InMemorySink(), job(List.of("AAPL"), 0.05));
        String json = report.toJson();
        assertThat(json).contains("\"rows_written\" : 5").contains("\"symbols_requested\" : 1");
        assertThat(RunReport.fromJson(json)).isEqualTo(report);
    }

    @Test
    void aGateRefusalAtFlushExits3AndAnotherFlushFailureExits1() {
        InMemorySink gated = new InMemorySink();
        gated.failFlushWith(new IngestException(ErrorKind.DQ_GATE, "3 rows broke ohlc_consistent"));
        RunReport report = run(new FakeSource(s -> week(s.value())), gated, job(List.of("AAPL"), 0.05));
        assertThat(report.exitCode()).isEqualTo(3);
        assertThat(report.errors()).anySatisfy(e -> assertThat(e).startsWith("data-quality gate stopped flush to memory: 3 rows broke"));

        InMemorySink down = new InMemorySink();
        down.failFlushWith(new IngestException(ErrorKind.SINK, "connection reset"));
        assertThat(run(new FakeSource(s -> week(s.value())), down, job(List.of("AAPL"), 0.05)).exitCode()).isEqualTo(1);
    }

    @Test
    void aRejectedKeyDropsTheRequestsWaitingForTheLimiterAndSaysItOnce() {
        List<String> symbols = java.util.stream.IntStream.range(0, 50).mapToObj(i -> "S" + i).toList();
        try (var server = new io.stockingest.core.testkit.FixtureServer()) {
            symbols.forEach(symbol -> server.on("/bars/" + symbol, io.stockingest.core.testkit.FixtureServer.Reply.json(401, "{\"error\":\"bad key\"}")));
            // one request a minute: every worker but the first waits for the limiter, on the real clock
            var endpoint = new io.stockingest.core.http.ProviderEndpoint("fake", server.baseUri(), io.stockingest.core.http.RateLimit.parse("1/min"),
                    io.stockingest.core.http.RetryPolicy.DEFAULT, java.time.Duration.ofSeconds(5), 16, "test");
            var transport = endpoint.transport(io.stockingest.core.http.Ticker.SYSTEM);
            PriceJob job = new PriceJob(symbols.stream().map(Symbol::parse).toList(), Interval.D1, WEEK, BarRequest.Hours.REGULAR,
                    WriteOptions.DEFAULT, Shard.ALL, 16, 0.05);
            long start = System.nanoTime();
            // fetches over the real transport stack (retries, limiter, Apache client); a 401 is a rejected key
            FakeSource source = new FakeSource(symbol -> {
                if (transport.execute(io.stockingest.core.http.HttpCall.get(server.baseUri().resolve("/bars/" + symbol.value()))).status() == 401) {
                    throw new IngestException(ErrorKind.AUTH, "Cannot fetch " + symbol + " from fake: the key was rejected; check FAKE_API_KEY");
                }
                return week(symbol.value());
            });
            RunReport report = new PriceIngest(source, List.of(new InMemorySink()), Calendars.standard(),
                    io.stockingest.core.http.Ticker.SYSTEM, Progress.silent()).run(job, RunContext.start("prices", "fake", Instant.now()));
            transport.close();

            assertThat(report.exitCode()).isEqualTo(2);
            assertThat(server.requests()).as("the 15 workers waiting for the limiter sent nothing").hasSize(1);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).as("nobody waited out the minute").isLessThan(java.time.Duration.ofSeconds(30));
            assertThat(report.symbols().values()).filteredOn(s -> s.status().equals("not_attempted")).hasSize(49);
            String summary = report.summary();
            assertThat(summary.split("the key was rejected", -1)).as("the error said once:%n%s", summary).hasSize(2);
            assertThat(summary).contains("not attempted (the run stopped): 49 symbols: S").contains("failed with the error below: S");
        }
    }
}
