package io.stockingest.source.polygon;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
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
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The price pipeline over the polygon source: grouped-daily requests spread back to their symbols. */
class PolygonPipelineTest {
    private final FixtureServer server = new FixtureServer();
    private final FakeTicker ticker = new FakeTicker();
    private final PolygonSource source = (PolygonSource) new PolygonSourceFactory(ticker, NyseCalendar.instance())
            .create(Settings.of(Map.of("POLYGON_API_KEY", "pk_pipeline_test_1234abcd", "POLYGON_BASE_URL", server.baseUri().toString())));

    @AfterEach
    void close() {
        source.close();
        server.close();
    }

    @Test
    void groupedDailyBarsLandUnderEachRequestedSymbolAndAMissingSymbolIsReported() {
        server.on("/v2/aggs/grouped/locale/us/market/stocks/2020-10-14", Reply.json(200, """
                {"queryCount":3,"resultsCount":3,"adjusted":true,"status":"OK","request_id":"a","results":[
                  {"T":"GIK","v":895345,"vw":9.9979,"o":9.99,"c":10.02,"h":10.02,"l":9.9,"t":1602705600000,"n":96},
                  {"T":"AAPL","v":1.51062331e+08,"vw":121.8,"o":121.0,"c":121.19,"h":123.03,"l":119.62,"t":1602705600000,"n":912345},
                  {"T":"ZZZZ","v":1,"o":1,"c":1,"h":1,"l":1,"t":1602705600000}]}"""));
        server.on("/v2/aggs/grouped/locale/us/market/stocks/2020-10-15", Reply.json(200, """
                {"queryCount":1,"resultsCount":1,"adjusted":true,"status":"OK","request_id":"b","results":[
                  {"T":"AAPL","v":1.12559219e+08,"vw":119.9,"o":118.72,"c":120.71,"h":121.2,"l":118.15,"t":1602792000000,"n":800001}]}"""));
        List<Symbol> symbols = List.of(Symbol.parse("AAPL"), Symbol.parse("GIK"), Symbol.parse("MSFT"));
        PriceJob job = new PriceJob(symbols, Interval.D1, new DateRange(LocalDate.of(2020, 10, 14), LocalDate.of(2020, 10, 15)),
                BarRequest.Hours.REGULAR, WriteOptions.DEFAULT, Shard.ALL, 2, 0.05);
        InMemorySink sink = new InMemorySink();

        RunReport report = new PriceIngest(source, List.of(sink), NyseCalendar.instance(), ticker, Progress.silent())
                .run(job, RunContext.start("prices", source.name(), ticker.now()));

        assertThat(server.requests()).as("one grouped call per session, not one per symbol").hasSize(2);
        assertThat(sink.bars().keySet()).containsExactly("AAPL/2020-10-14", "AAPL/2020-10-15", "GIK/2020-10-14");
        Bar aapl = sink.bars().get("AAPL/2020-10-15");
        assertThat(aapl.close()).isEqualTo(120.71);
        assertThat(aapl.volume()).isEqualTo(112_559_219L);
        assertThat(report.symbols().get("AAPL").status()).isEqualTo("ok");
        assertThat(report.symbols().get("GIK").status()).isEqualTo("ok");
        assertThat(report.symbols().get("MSFT").status()).as("absent from grouped daily: failed, not silently empty").isEqualTo("failed");
        assertThat(report.symbols().get("MSFT").errors()).singleElement().asString().contains("polygon returned no bars for MSFT");
    }
}
