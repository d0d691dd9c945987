package io.stockingest.source.polygon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Recorded;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PolygonSourceTest {
    private static final String KEY = "pk_source_test_5e4d3c2b1a09";
    private static final Symbol AAPL = Symbol.parse("AAPL");
    private static final String AAPL_DAILY_PATH = "/v2/aggs/ticker/AAPL/range/1/day/2005-04-01/2005-04-04";

    private final FixtureServer server = new FixtureServer();
    private final FakeTicker ticker = new FakeTicker(Instant.parse("2024-09-30T21:00:00Z"));
    private final PolygonSource source = (PolygonSource) new PolygonSourceFactory(ticker, NyseCalendar.instance())
            .create(Settings.of(Map.of("POLYGON_API_KEY", KEY, "POLYGON_BASE_URL", server.baseUri().toString(), "POLYGON_RATE_LIMIT", "100/sec")));

    @AfterEach
    void close() {
        source.close();
        server.close();
    }

    // ------------------------------------------------------------------------------------------------ aggregates

    @Test
    void mapsDailyAggregatesExactly() {
        server.on(AAPL_DAILY_PATH, Reply.json(200, fixture("aggs_AAPL_1_day_2005-04-01_2005-04-04.client-python-mock.json")));

        List<Bar> bars = source.fetchBars(BarRequest.of(AAPL, Interval.D1, range("2005-04-01", "2005-04-04"), BarRequest.Hours.REGULAR));

        assertThat(bars).containsExactly(
                new Bar(AAPL, Interval.D1, Instant.parse("2005-04-01T05:00:00Z"), LocalDate.of(2005, 4, 1),
                        1.5032, 1.5064, 1.4489, 1.4604, null, 642_646_396L, 1.469, 82_132L, "polygon", Adjustment.SPLITS),
                new Bar(AAPL, Interval.D1, Instant.parse("2005-04-04T04:00:00Z"), LocalDate.of(2005, 4, 4),
                        1.4639, 1.4754, 1.4343, 1.4675, null, 578_172_308L, 1.4589, 65_543L, "polygon", Adjustment.SPLITS));
        Recorded request = server.requests().getFirst();
        assertThat(FixtureServer.query(request)).containsExactlyInAnyOrderEntriesOf(Map.of("adjusted", "true", "sort", "asc", "limit", "50000"));
        assertThat(request.header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.query()).doesNotContain(KEY);
    }

    @Test
    void roundsExponentVolumeAndAcceptsDelayedStatus() {
        server.on("/v2/aggs/ticker/AAPL/range/5/minute/2023-01-03/2023-01-03", Reply.json(200, """
                {"ticker":"AAPL","adjusted":true,"status":"DELAYED","request_id":"r1","resultsCount":2,
                 "results":[{"v":1.12117471e+08,"vw":125.725,"o":130.28,"c":125.07,"h":130.9,"l":124.17,"t":1672756200000,"n":1021065},
                            {"v":25933.6,"o":1.0,"c":1.0,"h":1.0,"l":1.0,"t":1672790400000}]}"""));

        List<Bar> bars = source.fetchBars(BarRequest.of(AAPL, Interval.M5, DateRange.of(LocalDate.of(2023, 1, 3)), BarRequest.Hours.EXTENDED));

        assertThat(bars).extracting(Bar::ts, Bar::date, Bar::volume, Bar::vwap, Bar::transactions).containsExactly(
                tuple(Instant.parse("2023-01-03T14:30:00Z"), LocalDate.of(2023, 1, 3), 112_117_471L, 125.725, 1_021_065L),
                tuple(Instant.parse("2023-01-04T00:00:00Z"), LocalDate.of(2023, 1, 3), 25_934L, null, null));
    }

    @Test
    void datesWeeklyBarsByTheirFirstSessionInsideTheRange() {
        // week windows start on Sunday 00:00 New York: 2023-01-01 (before the range) and 2023-01-08
        server.on("/v2/aggs/ticker/AAPL/range/1/week/2023-01-03/2023-01-13", Reply.json(200, """
                {"ticker":"AAPL","status":"OK","results":[
                  {"v":5.0e8,"o":130.28,"c":129.62,"h":130.9,"l":124.17,"t":1672549200000},
                  {"v":3.0e8,"o":130.47,"c":134.76,"h":134.92,"l":128.12,"t":1673154000000}]}"""));

        List<Bar> bars = source.fetchBars(BarRequest.of(AAPL, Interval.W1, range("2023-01-03", "2023-01-13"), BarRequest.Hours.REGULAR));

        assertThat(bars).extracting(Bar::ts, Bar::date).containsExactly(
                tuple(Instant.parse("2023-01-01T05:00:00Z"), LocalDate.of(2023, 1, 3)),
                tuple(Instant.parse("2023-01-08T05:00:00Z"), LocalDate.of(2023, 1, 9)));
    }

    @Test
    void regularHoursDropsPreAndPostMarketMinutes() {
        server.on("/v2/aggs/ticker/AAPL/range/1/minute/2023-01-03/2023-01-03", Reply.json(200, """
                {"ticker":"AAPL","status":"OK","results":[
                  {"v":100,"o":1,"c":1,"h":1,"l":1,"t":1672736400000},
                  {"v":200,"o":2,"c":2,"h":2,"l":2,"t":1672756200000},
                  {"v":300,"o":3,"c":3,"h":3,"l":3,"t":1672779540000},
                  {"v":400,"o":4,"c":4,"h":4,"l":4,"t":1672779600000}]}"""));

        List<Bar> bars = source.fetchBars(BarRequest.of(AAPL, Interval.M1, DateRange.of(LocalDate.of(2023, 1, 3)), BarRequest.Hours.REGULAR));

        assertThat(bars).as("09:30 and 15:59 kept; 04:00 and 16:00 dropped").extracting(Bar::ts)
                .containsExactly(Instant.parse("2023-01-03T14:30:00Z"), Instant.parse("2023-01-03T20:59:00Z"));
    }

    @Test
    void buildsRegularHourBarsFromHalfHoursAnchoredAtTheOpen() {
        server.on("/v2/aggs/ticker/AAPL/range/30/minute/2023-01-03/2023-01-03", Reply.json(200, """
                {"ticker":"AAPL","status":"OK","results":[
                  {"v":1000,"vw":10.0,"o":10,"c":10.5,"h":10.6,"l":9.9,"t":1672754400000,"n":10},
                  {"v":3000,"vw":12.0,"o":11,"c":12,"h":12.5,"l":10.8,"t":1672756200000,"n":30},
                  {"v":1000,"vw":13.0,"o":12,"c":13,"h":13.5,"l":11.5,"t":1672758000000,"n":20},
                  {"v":500,"vw":14.0,"o":13,"c":14,"h":14.2,"l":12.9,"t":1672759800000,"n":5},
                  {"v":2000,"vw":15.0,"o":15,"c":15.5,"h":15.6,"l":14.8,"t":1672777800000,"n":40}]}"""));

        List<Bar> bars = source.fetchBars(BarRequest.of(AAPL, Interval.H1, DateRange.of(LocalDate.of(2023, 1, 3)), BarRequest.Hours.REGULAR));

        assertThat(bars).as("09:00 half hour dropped; 09:30+10:00 make the 09:30 bar; 15:30 stays half an hour").containsExactly(
                new Bar(AAPL, Interval.H1, Instant.parse("2023-01-03T14:30:00Z"), LocalDate.of(2023, 1, 3),
                        11, 13.5, 10.8, 13, null, 4000L, 12.25, 50L, "polygon", Adjustment.SPLITS),
                new Bar(AAPL, Interval.H1, Instant.parse("2023-01-03T15:30:00Z"), LocalDate.of(2023, 1, 3),
                        13, 14.2, 12.9, 14, null, 500L, 14.0, 5L, "polygon", Adjustment.SPLITS),
                new Bar(AAPL, Interval.H1, Instant.parse("2023-01-03T20:30:00Z"), LocalDate.of(2023, 1, 3),
                        15, 15.6, 14.8, 15.5, null, 2000L, 15.0, 40L, "polygon", Adjustment.SPLITS));
    }

    @Test
    void dropsBarsStillFormingAtFetchTime() {
        // the fake clock stands at 2024-09-30 17:00 New York, after that day's close
        server.on("/v2/aggs/ticker/AAPL/range/1/day/2024-09-27/2024-10-01", Reply.json(200, """
                {"ticker":"AAPL","status":"OK","results":[
                  {"v":1,"o":1,"c":1,"h":1,"l":1,"t":1727409600000},
                  {"v":2,"o":2,"c":2,"h":2,"l":2,"t":1727668800000},
                  {"v":3,"o":3,"c":3,"h":3,"l":3,"t":1727755200000}]}"""));
        server.on("/v2/aggs/ticker/AAPL/range/1/minute/2024-09-30/2024-09-30", Reply.json(200, """
                {"ticker":"AAPL","status":"OK","results":[
                  {"v":1,"o":1,"c":1,"h":1,"l":1,"t":1727729940000},
                  {"v":2,"o":2,"c":2,"h":2,"l":2,"t":1727730000000}]}"""));

        assertThat(source.fetchBars(BarRequest.of(AAPL, Interval.D1, range("2024-09-27", "2024-10-01"), BarRequest.Hours.REGULAR)))
                .extracting(Bar::date).containsExactly(LocalDate.of(2024, 9, 27), LocalDate.of(2024, 9, 30));
        assertThat(source.fetchBars(BarRequest.of(AAPL, Interval.M1, DateRange.of(LocalDate.of(2024, 9, 30)), BarRequest.Hours.EXTENDED)))
                .extracting(Bar::ts).containsExactly(Instant.parse("2024-09-30T20:59:00Z"));
    }

    @Test
    void nullAbsentAndEmptyResultsAreNoData() {
        server.on(AAPL_DAILY_PATH,
                Reply.json(200, fixture("aggs_empty_results_null_2020.issue2.json")),
                Reply.json(200, "{\"ticker\":\"AAPL\",\"queryCount\":0,\"resultsCount\":0,\"adjusted\":true,\"status\":\"OK\",\"request_id\":\"x\"}"),
                Reply.json(200, "{\"ticker\":\"AAPL\",\"results\":[],\"status\":\"DELAYED\"}"));
        BarRequest request = BarRequest.of(AAPL, Interval.D1, range("2005-04-01", "2005-04-04"), BarRequest.Hours.REGULAR);

        assertThat(source.fetchBars(request)).as("results null").isEmpty();
        assertThat(source.fetchBars(request)).as("results absent").isEmpty();
        assertThat(source.fetchBars(request)).as("results []").isEmpty();
    }

    @Test
    void followsAggregateNextUrlResendingAuthorization() {
        String page1 = fixture("aggs_AAPL_1_day_2005-04-01_2005-04-04.client-python-mock.json")
                .replace("\"count\": 2", "\"count\": 2, \"next_url\": \"" + server.baseUri() + "/v2/aggs/ticker/AAPL/range/1/day/1112587200000/2005-04-04?cursor=bGltaXQ9MSZzb3J0PWFzYw\"");
        server.on(AAPL_DAILY_PATH, Reply.json(200, page1));
        server.on("/v2/aggs/ticker/AAPL/range/1/day/1112587200000/2005-04-04", Reply.json(200, fixture("aggs_empty_results_null_2020.issue2.json")));

        List<Bar> bars = source.fetchBars(BarRequest.of(AAPL, Interval.D1, range("2005-04-01", "2005-04-04"), BarRequest.Hours.REGULAR));

        assertThat(bars).hasSize(2);
        assertThat(server.requests()).hasSize(2);
        Recorded followUp = server.requests().get(1);
        assertThat(followUp.query()).isEqualTo("cursor=bGltaXQ9MSZzb3J0PWFzYw");
        assertThat(followUp.header("Authorization")).isEqualTo("Bearer " + KEY);
    }

    // ------------------------------------------------------------------------------------------------ grouped daily

    @Test
    void groupedDailyKeepsRequestedSymbolsKeyedByNewYorkDate() {
        // the client-python mock is named for 2005-04-04 but holds the spec example of 2020-10-14 (t = 16:00 New York)
        server.on("/v2/aggs/grouped/locale/us/market/stocks/2020-10-14", Reply.json(200, fixture("grouped_daily_us_stocks_2005-04-04.client-python-mock.json")));
        Symbol gik = Symbol.parse("GIK");
        List<BarRequest> plan = source.planBars(List.of(AAPL, gik, Symbol.parse("MSFT")), Interval.D1, DateRange.of(LocalDate.of(2020, 10, 14)),
                BarRequest.Hours.REGULAR);

        assertThat(plan).singleElement().satisfies(request -> assertThat(request.symbols()).hasSize(3));
        List<Bar> bars = source.fetchBars(plan.getFirst());

        assertThat(bars).containsExactly(new Bar(gik, Interval.D1, Instant.parse("2020-10-14T04:00:00Z"), LocalDate.of(2020, 10, 14),
                9.99, 10.02, 9.9, 10.02, null, 895_345L, 9.9979, 96L, "polygon", Adjustment.SPLITS));
        Recorded request = server.requests().getFirst();
        assertThat(request.query()).isEqualTo("adjusted=true&include_otc=true");
        assertThat(request.header("Authorization")).isEqualTo("Bearer " + KEY);
    }

    // ------------------------------------------------------------------------------------------------ options

    @Test
    void listsTwoPagesOfOptionContractsFollowingNextUrlWithAuthorization() {
        String page1 = fixture("options_contracts_page1_with_next_url.client-python-mock.json")
                .replace("https://api.massive.com", server.baseUri().toString());
        server.on("/v3/reference/options/contracts",
                Reply.json(200, page1), Reply.json(200, fixture("options_contracts_page2_last.client-python-mock.json")));

        List<OptionSnapshot> contracts = source.fetchOptionContracts(Symbol.parse("A"), null, LocalDate.of(2022, 5, 20));

        assertThat(contracts).extracting(OptionSnapshot::strike)
                .containsExactly(65.0, 70.0, 75.0, 80.0, 85.0, 90.0, 95.0, 100.0, 105.0, 110.0,
                        115.0, 120.0, 125.0, 130.0, 135.0, 140.0, 145.0, 150.0, 155.0, 160.0);
        assertThat(contracts.getFirst()).satisfies(c -> {
            assertThat(c.contract()).isEqualTo("O:A220520C00065000");
            assertThat(c.underlying()).isEqualTo(Symbol.parse("A"));
            assertThat(c.contractType()).isEqualTo("call");
            assertThat(c.exerciseStyle()).isEqualTo("american");
            assertThat(c.expiration()).isEqualTo(LocalDate.of(2022, 5, 20));
            assertThat(c.sharesPerContract()).isEqualTo(100.0);
            assertThat(c.delta()).isNull();
            assertThat(c.date()).as("today's session").isEqualTo(LocalDate.of(2024, 9, 30));
        });
        assertThat(contracts.getLast().contract()).isEqualTo("O:A220520C00160000");
        assertThat(server.requests()).hasSize(2);
        assertThat(FixtureServer.query(server.requests().getFirst()))
                .containsExactlyInAnyOrderEntriesOf(Map.of("underlying_ticker", "A", "limit", "1000", "expiration_date.lte", "2022-05-20"));
        Recorded followUp = server.requests().get(1);
        assertThat(followUp.query()).isEqualTo("cursor=YXA9JTdCJTIySUQlMjIlM0ElMjIy");
        assertThat(followUp.header("Authorization")).isEqualTo("Bearer " + KEY);
    }

    @Test
    void sendsNextUrlOnAnotherHostToTheConfiguredBaseUrlOnly() {
        server.on("/v3/reference/options/contracts",
                Reply.json(200, fixture("options_contracts_page1_with_next_url.client-python-mock.json")),
                Reply.json(200, fixture("options_contracts_page2_last.client-python-mock.json")));

        assertThat(source.fetchOptionContracts(Symbol.parse("A"), null, null)).hasSize(20);
        assertThat(server.requests().get(1).query()).isEqualTo("cursor=YXA9JTdCJTIySUQlMjIlM0ElMjIy");
    }

    @Test
    void mapsOptionChainSnapshotExactly() {
        server.on("/v3/snapshot/options/AAPL", Reply.json(200, fixture("options_snapshot_chain_AAPL.client-python-mock.json")));

        List<OptionSnapshot> chain = source.fetchOptionChain(AAPL, LocalDate.of(2023, 6, 1), LocalDate.of(2023, 6, 30));

        assertThat(chain).containsExactly(new OptionSnapshot("O:AAPL230616C00150000", AAPL, "call", "american", 150.0,
                LocalDate.of(2023, 6, 16), 100.0,
                29.99, 32.25, 29.0, 29.0, 8.0, 30.7738,
                8133.0, 0.3570277203465058,
                0.6436614934293701, 0.0061735291012820675, -0.028227189324641973, 0.6381159723175714,
                179.075, 159.9606,
                28.9, 29.25, 294.0, 209.0, 29.075, 29.25,
                Instant.parse("2023-03-13T14:42:07.714665700Z"), LocalDate.of(2023, 3, 13), "polygon"));
        assertThat(FixtureServer.query(server.requests().getFirst())).containsExactlyInAnyOrderEntriesOf(
                Map.of("limit", "250", "expiration_date.gte", "2023-06-01", "expiration_date.lte", "2023-06-30"));
        assertThat(server.requests().getFirst().header("Authorization")).isEqualTo("Bearer " + KEY);
    }

    @Test
    void contractWithoutGreeksOrDayBarHasNullsAndTodaysSession() {
        server.on("/v3/snapshot/options/AAPL", Reply.json(200, """
                {"status":"OK","request_id":"r","results":[{"day":{},"details":{"contract_type":"put","exercise_style":"american",
                 "expiration_date":"2024-10-18","shares_per_contract":100,"strike_price":5,"ticker":"O:AAPL241018P00005000"},
                 "open_interest":0,"underlying_asset":{"ticker":"AAPL","change_to_break_even":-230.1}}]}"""));

        List<OptionSnapshot> chain = source.fetchOptionChain(AAPL, null, null);

        assertThat(chain).singleElement().satisfies(option -> {
            assertThat(option.dayClose()).isNull();
            assertThat(option.delta()).isNull();
            assertThat(option.impliedVolatility()).isNull();
            assertThat(option.underlyingPrice()).isNull();
            assertThat(option.openInterest()).isEqualTo(0.0);
            assertThat(option.snapshotTime()).isNull();
            assertThat(option.date()).isEqualTo(LocalDate.of(2024, 9, 30));
        });
        assertThat(FixtureServer.query(server.requests().getFirst())).containsExactlyEntriesOf(Map.of("limit", "250"));
    }

    // ------------------------------------------------------------------------------------------------ actions

    @Test
    void mapsSplitsAndDividends() {
        server.on("/v3/reference/splits", Reply.json(200,
                "{\"results\":[{\"execution_date\":\"2020-08-31\",\"split_from\":1,\"split_to\":4,\"ticker\":\"AAPL\"}],\"status\":\"OK\",\"request_id\":\"r\"}"));
        server.on("/v3/reference/dividends", Reply.json(200, fixture("dividends.client-python-mock.json")));
        DateRange range = range("2020-01-01", "2025-12-31");

        List<CorporateAction> actions = source.fetchActions(AAPL, range);

        assertThat(actions).hasSize(11);
        assertThat(actions.getFirst()).isEqualTo(new CorporateAction(AAPL, CorporateAction.Type.SPLIT, LocalDate.of(2020, 8, 31),
                null, 4.0, 1.0, null, null, null, null, "polygon"));
        assertThat(actions.get(1)).isEqualTo(new CorporateAction(AAPL, CorporateAction.Type.DIVIDEND, LocalDate.of(2023, 8, 11),
                0.5, null, null, LocalDate.of(2023, 8, 14), LocalDate.of(2023, 8, 15), LocalDate.of(2022, 2, 10), null, "polygon"));
        assertThat(actions.getLast()).isEqualTo(new CorporateAction(AAPL, CorporateAction.Type.DIVIDEND, LocalDate.of(2025, 6, 12),
                0.59375, null, null, LocalDate.of(2025, 6, 15), LocalDate.of(2025, 6, 30), LocalDate.of(2020, 9, 9), null, "polygon"));
        assertThat(FixtureServer.query(server.requests().get(0))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ticker", "AAPL", "execution_date.gte", "2020-01-01", "execution_date.lte", "2025-12-31", "limit", "1000"));
        assertThat(FixtureServer.query(server.requests().get(1))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ticker", "AAPL", "ex_dividend_date.gte", "2020-01-01", "ex_dividend_date.lte", "2025-12-31", "limit", "1000"));
        assertThat(server.requests()).allSatisfy(request -> assertThat(request.header("Authorization")).isEqualTo("Bearer " + KEY));
    }

    // ------------------------------------------------------------------------------------------------ errors

    @Test
    void planTimeframe403IsNotEntitledWithPolygonsMessage() {
        server.on("/v2/aggs/ticker/AAPL/range/1/day/2024-12-31/2024-12-31", Reply.json(403, fixture("http403_not_authorized_plan_timeframe.issue313.json")));

        assertThatThrownBy(() -> source.fetchBars(BarRequest.of(AAPL, Interval.D1, DateRange.of(LocalDate.of(2024, 12, 31)), BarRequest.Hours.REGULAR)))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_ENTITLED))
                .hasMessage("Cannot fetch AAPL 1d 2024-12-31 from polygon: 403 NOT_AUTHORIZED (Your plan doesn't include this data timeframe."
                        + " Please upgrade your plan at https://polygon.io/pricing)");
    }

    @Test
    void notEntitled403ThatIsNotJsonStillCarriesPolygonsMessage() {
        server.on("/v3/snapshot/options/AAPL", new Reply(403, "text/plain",
                fixture("http403_not_entitled_as_displayed_in_browser.alpaca354.txt").getBytes(StandardCharsets.UTF_8), Map.of()));

        assertThatThrownBy(() -> source.fetchOptionChain(AAPL, null, null))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_ENTITLED))
                .hasMessageStartingWith("Cannot fetch AAPL options chain from polygon: 403")
                .hasMessageContaining("You are not entitled to this data. Please upgrade your plan at https://polygon.io/pricing");
    }

    @Test
    void unauthorizedIsAuthNamingTheVariableWithoutTheKey() {
        server.on(AAPL_DAILY_PATH, Reply.json(401, fixture("error_api_key_not_provided.issue219.json")));

        assertThatThrownBy(() -> source.fetchBars(BarRequest.of(AAPL, Interval.D1, range("2005-04-01", "2005-04-04"), BarRequest.Hours.REGULAR)))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.AUTH))
                .hasMessageContaining("401 ERROR (API Key was not provided)")
                .hasMessageContaining("POLYGON_API_KEY")
                .message().doesNotContain(KEY);
        assertThat(server.requests()).as("401 is not retried").hasSize(1);
    }

    @Test
    void throttledAfterRetriesRunOut() {
        server.on(AAPL_DAILY_PATH, Reply.json(429, "{\"status\":\"ERROR\",\"request_id\":\"r\",\"error\":\"You've exceeded the maximum requests per "
                + "minute, please wait or upgrade your subscription to continue. https://massive.com/pricing\"}"));

        assertThatThrownBy(() -> source.fetchBars(BarRequest.of(AAPL, Interval.D1, range("2005-04-01", "2005-04-04"), BarRequest.Hours.REGULAR)))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.THROTTLED))
                .hasMessageContaining("429 ERROR (You've exceeded the maximum requests per minute")
                .hasMessageContaining("POLYGON_RATE_LIMIT");
        // back through the limiter, one probe at a time (at most a period of 100/sec apart) for RetryPolicy's two minutes
        assertThat(server.requests()).as("probed for two minutes, about once a second").hasSizeBetween(100, 130);
        assertThat(ticker.nanos()).as("fake time spent").isBetween(java.time.Duration.ofMinutes(2).toNanos(), java.time.Duration.ofMinutes(3).toNanos());
    }

    @Test
    void serverErrorsAreTransientAfterRetries() {
        server.on(AAPL_DAILY_PATH, Reply.text(503, "Service Unavailable"));

        assertThatThrownBy(() -> source.fetchBars(BarRequest.of(AAPL, Interval.D1, range("2005-04-01", "2005-04-04"), BarRequest.Hours.REGULAR)))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT))
                .hasMessage("Cannot fetch AAPL 1d 2005-04-01..2005-04-04 from polygon: 503 (Service Unavailable)");
    }

    @Test
    void errorEnvelopeWithOkHttpStatusAndNonJsonBodiesAreBadResponses() {
        server.on(AAPL_DAILY_PATH,
                Reply.json(200, "{\"status\":\"ERROR\",\"request_id\":\"r\",\"error\":\"Unknown timespan\"}"),
                new Reply(200, "text/html", "<html>gateway</html>".getBytes(StandardCharsets.UTF_8), Map.of()));
        BarRequest request = BarRequest.of(AAPL, Interval.D1, range("2005-04-01", "2005-04-04"), BarRequest.Hours.REGULAR);

        assertThatThrownBy(() -> source.fetchBars(request))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_RESPONSE))
                .hasMessage("Cannot fetch AAPL 1d 2005-04-01..2005-04-04 from polygon: ERROR (Unknown timespan)");
        assertThatThrownBy(() -> source.fetchBars(request))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_RESPONSE))
                .hasMessageContaining("not a JSON object (<html>gateway</html>)");
    }

    private static DateRange range(String from, String to) {
        return new DateRange(LocalDate.parse(from), LocalDate.parse(to));
    }

    static String fixture(String name) {
        try (InputStream in = PolygonSourceTest.class.getResourceAsStream("/polygon/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
