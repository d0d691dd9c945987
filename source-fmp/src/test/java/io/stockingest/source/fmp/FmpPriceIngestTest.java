package io.stockingest.source.fmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.pipeline.PriceIngest;
import io.stockingest.core.pipeline.PriceJob;
import io.stockingest.core.pipeline.Progress;
import io.stockingest.core.pipeline.Shard;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.core.testkit.InMemorySink;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FMP source inside the real price pipeline: what lands in a sink, what fails, what is refused up front. */
class FmpPriceIngestTest {
    private static final DateRange JAN_2023 = new DateRange(LocalDate.of(2023, 1, 1), LocalDate.of(2023, 1, 10));
    private final FixtureServer server = new FixtureServer();
    private final FakeTicker ticker = new FakeTicker(Instant.parse("2025-03-01T00:00:00Z"));
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        server.close();
    }

    private Source source(String plan) {
        return new FmpSourceFactory(ticker, NyseCalendar.instance()).create(Settings.of(Map.of(
                "FMP_API_KEY", "fmp_pipeline_test_key_3c2b",
                "FMP_BASE_URL", server.baseUri().toString(),
                "FMP_PLAN", plan,
                "FMP_USAGE_FILE", dir.resolve("calls.txt").toString())));
    }

    private RunReport run(Source source, InMemorySink sink, List<String> symbols) {
        PriceJob job = new PriceJob(symbols.stream().map(Symbol::parse).toList(), Interval.D1, JAN_2023, BarRequest.Hours.REGULAR,
                WriteOptions.DEFAULT, Shard.ALL, 1, 0.05);
        return new PriceIngest(source, List.of(sink), Calendars.standard(), ticker, Progress.silent())
                .run(job, RunContext.start("prices", source.name(), ticker.now()));
    }

    @Test
    void landsExactBarsAndFailsOnlyTheSymbolOutsideThePlan() {
        server.on("/stable/historical-price-eod/full",
                Reply.json(200, FmpSourceTest.fixture("stable_historical-price-eod_full_AAPL_2023-01-01_2023-01-10.json")),
                Reply.text(402, "Premium Query Parameter: 'Special Endpoint : This value set for 'symbol' is not available under your current "
                        + "subscription'"));
        InMemorySink sink = new InMemorySink();

        RunReport report;
        try (Source source = source("free")) {
            report = run(source, sink, List.of("AAPL", "TSM"));
        }

        assertThat(sink.bars()).hasSize(6).hasEntrySatisfying("AAPL/2023-01-10", bar -> {
            assertThat(List.of(bar.open(), bar.high(), bar.low(), bar.close())).containsExactly(130.26, 131.26, 128.12, 130.73);
            assertThat(bar.volume()).isEqualTo(63896200L);
            assertThat(bar.vwap()).isNull();
            assertThat(bar.source()).isEqualTo("fmp");
        });
        assertThat(sink.quarantine()).isEmpty();
        assertThat(report.symbols().get("AAPL").status()).isEqualTo("ok");
        assertThat(report.symbols().get("TSM").status()).isEqualTo("failed");
        assertThat(report.symbols().get("TSM").errors()).singleElement().asString()
                .contains("not in your FMP plan (HTTP 402 'Premium Query Parameter");
    }

    @Test
    void aFreePlanRunOverTheDailyBudgetIsRefusedBeforeTheFirstRequest() {
        List<String> symbols = IntStream.range(0, 251).mapToObj(i -> "S" + i).toList();

        try (Source source = source("free")) {
            assertThatThrownBy(() -> run(source, new InMemorySink(), symbols))
                    .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
                    .hasMessageStartingWith("This run needs 251 FMP calls but the free plan allows 250 a day");
        }
        assertThat(server.requests()).isEmpty();
    }
}
