package io.stockingest.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.pipeline.PriceIngest;
import io.stockingest.core.pipeline.PriceJob;
import io.stockingest.core.pipeline.Progress;
import io.stockingest.core.pipeline.Shard;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.core.testkit.InMemorySink;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real recorded Yahoo charts of listings beyond the NYSE (see src/test/resources/yahoo/PROVENANCE.md) through the
 * local server and the real price pipeline: each row gets its venue, its session date, and is stored.
 */
class YahooVenuesTest {
    private final FixtureServer server = new FixtureServer();
    private final FakeTicker ticker = new FakeTicker(Instant.parse("2025-03-01T00:00:00Z"));

    @AfterEach
    void stop() {
        server.close();
    }

    /** Replays {@code fixture} for {@code symbol} and runs the pipeline over {@code from..to} into memory. */
    private Run ingest(String symbol, String fixture, String from, String to) {
        server.on("/v8/finance/chart/" + java.net.URLEncoder.encode(symbol, java.nio.charset.StandardCharsets.UTF_8), Reply.json(200, YahooSourceTest.fixture(fixture)));
        InMemorySink sink = new InMemorySink();
        PriceJob job = new PriceJob(List.of(Symbol.parse(symbol)), Interval.D1, new DateRange(LocalDate.parse(from), LocalDate.parse(to)),
                BarRequest.Hours.REGULAR, WriteOptions.DEFAULT, Shard.ALL, 1, 0.05);
        RunReport report = new PriceIngest(YahooSourceTest.source(server, ticker), List.of(sink), Calendars.standard(), ticker, Progress.silent())
                .run(job, RunContext.start("prices", "yahoo", ticker.now()));
        return new Run(report, sink.bars().values().stream().sorted(java.util.Comparator.comparing(Bar::date)).toList());
    }

    private record Run(RunReport report, List<Bar> bars) {
        List<String> dates() {
            return bars.stream().map(b -> b.date().toString()).toList();
        }

        List<String> venues() {
            return bars.stream().map(b -> b.venue().code()).distinct().toList();
        }
    }

    @Test
    void aCryptoPairStoresNewYearsDayAnNyseHoliday() {
        Run run = ingest("BTC-USD", "chart_BTC-USD_1d_2020-01-01_2020-01-03_crypto.json", "2020-01-01", "2020-01-03");
        assertThat(run.report().exitCode()).as(run.report().summary()).isZero();
        assertThat(run.dates()).containsExactly("2020-01-01", "2020-01-02", "2020-01-03");
        assertThat(run.venues()).containsExactly("CRYPTO");
        assertThat(run.report().rowsQuarantined()).isZero();
    }

    @Test
    void aShanghaiAShareStoresUsThanksgivingAndDropsTheRecordedLiveBar() {
        Run run = ingest("600497.SS", "chart_600497.SS_1d_2017-11-15_2017-11-27_shanghai.json", "2017-11-15", "2017-11-27");
        assertThat(run.report().exitCode()).as(run.report().summary()).isZero();
        assertThat(run.dates()).as("the 15th had null prices when recorded; the 23rd is US Thanksgiving")
                .containsExactly("2017-11-16", "2017-11-17", "2017-11-20", "2017-11-21", "2017-11-22", "2017-11-23", "2017-11-24", "2017-11-27");
        assertThat(run.venues()).containsExactly("XSHG");
        assertThat(run.bars().get(5).close()).isEqualTo(6.309999942779541);
    }

    @Test
    void aXetraListingIsDatedInBerlin() {
        Run run = ingest("WSU.DE", "chart_WSU.DE_1d_2023-08-04_2023-08-09_xetra.json", "2023-08-04", "2023-08-09");
        assertThat(run.report().exitCode()).as(run.report().summary()).isZero();
        assertThat(run.dates()).containsExactly("2023-08-04", "2023-08-07", "2023-08-08");
        assertThat(run.venues()).containsExactly("XETR");
    }

    @Test
    void aLondonListing() {
        Run run = ingest("OCDO.L", "chart_OCDO.L_1d_2020-01-01_2020-01-03_london.json", "2020-01-01", "2020-01-03");
        assertThat(run.report().exitCode()).as(run.report().summary()).isZero();
        assertThat(run.dates()).containsExactly("2020-01-02");
        assertThat(run.venues()).containsExactly("XLON");
    }

    @Test
    void anFxPairStoresNewYearsDay() {
        Run run = ingest("EURUSD=X", "chart_EURUSD=X_1d_2020-01-01_2020-01-03_fx.json", "2020-01-01", "2020-01-03");
        assertThat(run.report().exitCode()).as(run.report().summary()).isZero();
        assertThat(run.dates()).containsExactly("2020-01-01", "2020-01-02", "2020-01-03");
        assertThat(run.venues()).containsExactly("FX");
    }

    @Test
    void aUsIndexOnTheNyseCalendar() {
        Run run = ingest("^SP500TR", "chart_^SP500TR_1d_2023-06-20_2023-07-14_index.json", "2023-06-20", "2023-07-14");
        assertThat(run.report().exitCode()).as(run.report().summary()).isZero();
        assertThat(run.bars()).hasSize(18);
        assertThat(run.dates()).doesNotContain("2023-07-04");
        assertThat(run.venues()).containsExactly("US");
    }

    @Test
    void aVenueWithNoCalendarIsCheckedByWeekdaysAndNamedInTheRunsNotes() {
        Run run = ingest("WSKT.JK", "chart_WSKT.JK_1d_2020-01-01_2020-01-03_jakarta.json", "2020-01-01", "2020-01-03");
        assertThat(run.report().exitCode()).as(run.report().summary()).isZero();
        assertThat(run.dates()).containsExactly("2020-01-02");
        assertThat(run.venues()).containsExactly("XIDX");
        assertThat(run.report().notes()).singleElement().asString().startsWith("no calendar for venue XIDX");
        assertThat(run.report().summary()).contains("note: no calendar for venue XIDX");
    }
}
