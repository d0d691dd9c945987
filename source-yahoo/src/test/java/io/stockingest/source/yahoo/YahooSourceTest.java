package io.stockingest.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.ProviderEndpoint;
import io.stockingest.core.http.RateLimit;
import io.stockingest.core.http.RetryPolicy;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class YahooSourceTest {
    private final FixtureServer server = new FixtureServer();
    private final FakeTicker ticker = new FakeTicker(Instant.parse("2025-03-01T00:00:00Z"));

    @AfterEach
    void stop() {
        server.close();
    }

    static String fixture(String name) {
        try (InputStream in = YahooSourceTest.class.getResourceAsStream("/yahoo/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private YahooSource source() {
        ProviderEndpoint endpoint = new ProviderEndpoint("yahoo", server.baseUri(), RateLimit.parse("1000/sec"),
                new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(250)), Duration.ofSeconds(5), 4,
                YahooConfig.DEFAULT_USER_AGENT);
        return new YahooSource(endpoint, endpoint.transport(ticker), NyseCalendar.instance(), ticker);
    }

    private List<Bar> fetch(String symbol, LocalDate from, LocalDate to) {
        return source().fetchBars(BarRequest.of(Symbol.parse(symbol), Interval.D1, new DateRange(from, to), BarRequest.Hours.REGULAR));
    }

    @Test
    void readsDailyBarsWithExactValuesAndTheSessionDate() {
        server.on("/v8/finance/chart/AAPL", Reply.json(200, fixture("chart_AAPL_1d_2020-01-01_2020-01-03.json")));
        List<Bar> bars = fetch("AAPL", LocalDate.of(2020, 1, 1), LocalDate.of(2020, 1, 3));
        assertThat(bars).containsExactly(new Bar(Symbol.parse("AAPL"), Interval.D1, Instant.ofEpochSecond(1577975400), LocalDate.of(2020, 1, 2),
                74.05999755859375, 75.1500015258789, 73.79750061035156, 75.0875015258789, 72.71607208251953, 135480400, null, null, "yahoo",
                Adjustment.SPLITS));
        var request = server.requests().getFirst();
        Map<String, String> query = FixtureServer.query(request);
        assertThat(query).containsEntry("interval", "1d").containsEntry("period1", "1577750400").containsEntry("includePrePost", "false");
        assertThat(request.header("User-Agent")).startsWith("Mozilla/5.0");
    }

    @Test
    void keepsOnlyTheRequestedWindowAcrossASplitAndDividend() {
        server.on("/v8/finance/chart/AAPL", Reply.json(200, fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
        List<Bar> bars = fetch("AAPL", LocalDate.of(2020, 9, 1), LocalDate.of(2020, 11, 6));
        assertThat(bars).hasSize(48);
        assertThat(bars.getFirst().date()).isEqualTo(LocalDate.of(2020, 9, 1));
        assertThat(bars.getFirst().open()).isEqualTo(132.75999450683594);
        assertThat(bars.getFirst().adjClose()).isEqualTo(130.83871459960938);
        Bar last = bars.getLast();
        assertThat(last.date()).isEqualTo(LocalDate.of(2020, 11, 6));
        assertThat(last.ts()).isEqualTo(Instant.parse("2020-11-06T14:30:00Z"));
        assertThat(last.close()).isEqualTo(118.69000244140625);
        assertThat(last.volume()).isEqualTo(114457900L);
        assertThat(last.adjClose()).isEqualTo(115.93415069580078);
    }

    @Test
    void noDataBodyIsAnEmptyResultNotAnError() {
        server.on("/v8/finance/chart/AAPL", Reply.json(200, fixture("chart_AAPL_1m_2025-02-01_weekend_no_data.json")));
        assertThat(fetch("AAPL", LocalDate.of(2025, 2, 1), LocalDate.of(2025, 2, 2))).isEmpty();
    }

    @Test
    void unknownSymbolFailsWithYahoosWords() {
        server.on("/v8/finance/chart/SIX", Reply.json(404, fixture("chart_SIX_404_not_found.json")));
        assertThatThrownBy(() -> fetch("SIX", LocalDate.of(2020, 1, 1), LocalDate.of(2020, 1, 3)))
                .isInstanceOf(IngestException.class)
                .hasMessage("Cannot fetch SIX 1d 2020-01-01..2020-01-03 from yahoo: Yahoo does not know the symbol "
                        + "(Not Found: No data found, symbol may be delisted)")
                .extracting(e -> ((IngestException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND);
    }

    @Test
    void plainTextThrottlingIsRetriedThenFailsAsThrottledNeverAsData() {
        server.on("/v8/finance/chart/AAPL", Reply.text(429, fixture("http429_getcrumb_body_as_logged.txt")));
        assertThatThrownBy(() -> fetch("AAPL", LocalDate.of(2020, 1, 1), LocalDate.of(2020, 1, 3)))
                .hasMessageContaining("throttled by Yahoo (HTTP 429 'Edge: Too Many Requests')")
                .extracting(e -> ((IngestException) e).kind()).isEqualTo(ErrorKind.THROTTLED);
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void throttledOnceThenServedReturnsTheData() {
        server.on("/v8/finance/chart/AAPL", Reply.text(429, "Too Many Requests\r\n"),
                Reply.json(200, fixture("chart_AAPL_1d_2020-01-01_2020-01-03.json")));
        assertThat(fetch("AAPL", LocalDate.of(2020, 1, 1), LocalDate.of(2020, 1, 3))).hasSize(1);
    }

    @Test
    void htmlInsteadOfJsonIsABadResponse() {
        server.on("/v8/finance/chart/AAPL", new Reply(200, "text/html", "<html>oops</html>".getBytes(StandardCharsets.UTF_8), Map.of()));
        assertThatThrownBy(() -> fetch("AAPL", LocalDate.of(2020, 1, 1), LocalDate.of(2020, 1, 3)))
                .hasMessageContaining("Yahoo's answer is not valid JSON")
                .extracting(e -> ((IngestException) e).kind()).isEqualTo(ErrorKind.BAD_RESPONSE);
    }

    @Test
    void aTimestampJavaTimeCannotDateIsABadResponse() {
        // found by a 20,000-mutation run of ParserFuzzTest: Long.MAX_VALUE as a bar time made Instant throw out of the source
        String body = """
                {"chart":{"result":[{"meta":{"exchangeTimezoneName":"America/New_York"},
                "timestamp":[9223372036854775807],
                "indicators":{"quote":[{"open":[10.0],"high":[11.0],"low":[9.0],"close":[10.5],"volume":[7]}]}}],"error":null}}""";
        server.on("/v8/finance/chart/AAPL", Reply.json(200, body));
        assertThatThrownBy(() -> fetch("AAPL", LocalDate.of(2020, 1, 1), LocalDate.of(2020, 1, 3)))
                .hasMessageEndingWith(": a time of 9223372036854775807 s since 1970 in Yahoo's answer is out of range")
                .extracting(e -> ((IngestException) e).kind()).isEqualTo(ErrorKind.BAD_RESPONSE);
    }

    @Test
    void skipsNullBarsAndUsesTheExchangeTimeZone() {
        String body = """
                {"chart":{"result":[{"meta":{"exchangeTimezoneName":"Europe/Berlin","gmtoffset":3600},
                "timestamp":[1577952000,1578038400],
                "indicators":{"quote":[{"open":[null,10.0],"high":[null,11.0],"low":[null,9.0],"close":[null,10.5],"volume":[null,7]}],
                "adjclose":[{"adjclose":[null,10.4]}]}}],"error":null}}""";
        server.on("/v8/finance/chart/WSU.DE", Reply.json(200, body));
        List<Bar> bars = fetch("WSU.DE", LocalDate.of(2020, 1, 1), LocalDate.of(2020, 1, 3));
        assertThat(bars).singleElement().satisfies(bar -> {
            assertThat(bar.date()).isEqualTo(LocalDate.of(2020, 1, 3));
            assertThat(bar.volume()).isEqualTo(7);
        });
    }

    @Test
    void dropsTheLiveBarOfASessionStillTrading() {
        // the fake clock is on 2020-01-02 at noon New York: the 2020-01-02 bar is Yahoo's live bar
        FakeTicker midday = new FakeTicker(Instant.parse("2020-01-02T17:00:00Z"));
        ProviderEndpoint endpoint = new ProviderEndpoint("yahoo", server.baseUri(), RateLimit.parse("1000/sec"), RetryPolicy.DEFAULT,
                Duration.ofSeconds(5), 4, "ua");
        YahooSource source = new YahooSource(endpoint, endpoint.transport(midday), NyseCalendar.instance(), midday);
        server.on("/v8/finance/chart/AAPL", Reply.json(200, fixture("chart_AAPL_1d_2020-01-01_2020-01-03.json")));
        assertThat(source.fetchBars(BarRequest.of(Symbol.parse("AAPL"), Interval.D1,
                new DateRange(LocalDate.of(2020, 1, 1), LocalDate.of(2020, 1, 3)), BarRequest.Hours.REGULAR))).isEmpty();
    }

    @Test
    void splitsOneMinuteRequestsIntoEightDayWindowsAndSpellsShareClassesTheYahooWay() {
        var plan = source().planBars(List.of(Symbol.parse("BRK.B")), Interval.M1,
                new DateRange(LocalDate.of(2025, 2, 1), LocalDate.of(2025, 2, 20)), BarRequest.Hours.REGULAR);
        assertThat(plan).extracting(BarRequest::range).containsExactly(
                new DateRange(LocalDate.of(2025, 2, 1), LocalDate.of(2025, 2, 8)),
                new DateRange(LocalDate.of(2025, 2, 9), LocalDate.of(2025, 2, 16)),
                new DateRange(LocalDate.of(2025, 2, 17), LocalDate.of(2025, 2, 20)));
        server.on("/v8/finance/chart/BRK-B", Reply.json(200, fixture("chart_AAPL_1m_2025-02-01_weekend_no_data.json")));
        source().fetchBars(plan.getFirst());
        assertThat(server.requests().getFirst().path()).isEqualTo("/v8/finance/chart/BRK-B");
    }

    @Test
    void configDefaultsAndEveryMapping() {
        YahooConfig defaults = YahooConfig.from(Settings.of(Map.of()));
        assertThat(defaults.baseUrl()).isEqualTo(URI.create("https://query2.finance.yahoo.com"));
        assertThat(defaults.rateLimit()).isEqualTo(RateLimit.parse("60/min"));
        assertThat(defaults.maxWorkers()).isEqualTo(8);
        assertThat(defaults.breakerThreshold()).isEqualTo(3);
        YahooConfig custom = YahooConfig.from(Settings.of(Map.of("YAHOO_BASE_URL", "http://127.0.0.1:9", "YAHOO_RATE_LIMIT", "10/sec",
                "MAX_WORKERS", "3", "YAHOO_MAX_CONSECUTIVE_THROTTLED", "7", "HTTP_CONNECT_TIMEOUT", "3")));
        assertThat(custom.breakerThreshold()).isEqualTo(7);
        assertThat(defaults.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(custom.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(custom.endpoint().connectTimeout()).as("the transport uses it").isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(custom.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9"));
        assertThat(custom.rateLimit()).isEqualTo(RateLimit.parse("10/sec"));
        assertThat(custom.maxWorkers()).isEqualTo(3);
        assertThat(defaults.cookieUrl()).isEqualTo(URI.create("https://fc.yahoo.com"));
        assertThat(YahooConfig.from(Settings.of(Map.of("YAHOO_COOKIE_URL", "http://127.0.0.1:8/c"))).cookieUrl())
                .isEqualTo(URI.create("http://127.0.0.1:8/c"));
        assertThatThrownBy(() -> YahooConfig.from(Settings.of(Map.of("YAHOO_BASE_URL", "ftp:x", "YAHOO_RATE_LIMIT", "lots", "MAX_WORKERS", "0"))))
                .hasMessage("YAHOO_BASE_URL or YAHOO_COOKIE_URL 'ftp:x' is not an http(s) URL\n"
                        + "Invalid rate limit 'lots': use N/sec, N/min, N/hour or N/day, e.g. 300/min\n"
                        + "MAX_WORKERS '0' is not a positive whole number");
    }

    @Test
    void readsSplitsAndDividendsFromTheChartEvents() {
        server.on("/v8/finance/chart/AAPL", Reply.json(200, fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
        var actions = source().fetchActions(Symbol.parse("AAPL"), new DateRange(LocalDate.of(2020, 8, 31), LocalDate.of(2020, 11, 7)));
        assertThat(actions).containsExactly(
                new io.stockingest.core.model.CorporateAction(Symbol.parse("AAPL"), io.stockingest.core.model.CorporateAction.Type.SPLIT,
                        LocalDate.of(2020, 8, 31), null, 4.0, 1.0, null, null, null, null, "yahoo"),
                new io.stockingest.core.model.CorporateAction(Symbol.parse("AAPL"), io.stockingest.core.model.CorporateAction.Type.DIVIDEND,
                        LocalDate.of(2020, 11, 6), 0.205, null, null, null, null, null, "USD", "yahoo"));
    }

    @Test
    void intradayKeepsRegularHoursUnlessExtendedHoursAreAsked() {
        FakeTicker nextDay = new FakeTicker(Instant.parse("2021-11-23T12:00:00Z"));
        ProviderEndpoint endpoint = new ProviderEndpoint("yahoo", server.baseUri(), RateLimit.parse("1000/sec"), RetryPolicy.DEFAULT,
                Duration.ofSeconds(5), 4, "ua");
        YahooSource source = new YahooSource(endpoint, endpoint.transport(nextDay), NyseCalendar.instance(), nextDay);
        server.on("/v8/finance/chart/TSLA", Reply.json(200, fixture("chart_TSLA_30m_2021-11-22_includePrePost_true.json")));
        DateRange day = DateRange.of(LocalDate.of(2021, 11, 22));
        List<Bar> regular = source.fetchBars(BarRequest.of(Symbol.parse("TSLA"), Interval.M30, day, BarRequest.Hours.REGULAR));
        assertThat(regular).hasSize(13);
        assertThat(regular.getFirst().ts()).isEqualTo(Instant.parse("2021-11-22T14:30:00Z"));
        assertThat(regular.getFirst().open()).isEqualTo(1162.3299560546875);
        assertThat(regular.getFirst().volume()).isEqualTo(6271983L);
        assertThat(regular.getFirst().adjClose()).isNull();
        assertThat(regular.getLast().ts()).isEqualTo(Instant.parse("2021-11-22T20:30:00Z"));
        List<Bar> extended = source.fetchBars(BarRequest.of(Symbol.parse("TSLA"), Interval.M30, day, BarRequest.Hours.EXTENDED));
        assertThat(extended).hasSize(30);
        assertThat(FixtureServer.query(server.requests().getLast())).containsEntry("includePrePost", "true").containsEntry("interval", "30m");
    }

    @Test
    void refusesIntradayRangesYahooWillNotServeWithoutCallingIt() {
        assertThatThrownBy(() -> source().fetchBars(BarRequest.of(Symbol.parse("AAPL"), Interval.M5,
                DateRange.of(LocalDate.of(2024, 1, 2)), BarRequest.Hours.REGULAR)))
                .hasMessageContaining("Yahoo serves 5m bars only for the last 60 days (from 2025-01-01)");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void circuitBreakerStopsCallingYahooAfterConsecutiveThrottledRequests() {
        server.on("/v8/finance/chart/AAPL", Reply.text(429, "Too Many Requests\r\n"));
        YahooSource source = source();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> source.fetchBars(BarRequest.of(Symbol.parse("AAPL"), Interval.D1, DateRange.of(LocalDate.of(2020, 1, 2)),
                    BarRequest.Hours.REGULAR))).hasMessageContaining("throttled by Yahoo (HTTP 429");
        }
        int calls = server.requests().size();
        assertThatThrownBy(() -> source.fetchBars(BarRequest.of(Symbol.parse("AAPL"), Interval.D1, DateRange.of(LocalDate.of(2020, 1, 2)),
                BarRequest.Hours.REGULAR)))
                .hasMessageContaining("stopped calling Yahoo for the rest of the run after 3 requests in a row were throttled")
                .extracting(e -> ((IngestException) e).kind()).isEqualTo(ErrorKind.THROTTLED);
        assertThat(server.requests()).hasSize(calls);
    }

    private YahooSource quoteSource() {
        ProviderEndpoint endpoint = new ProviderEndpoint("yahoo", server.baseUri(), RateLimit.parse("1000/sec"),
                new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(250)), Duration.ofSeconds(5), 4, "ua");
        return new YahooSource(endpoint, endpoint.transport(ticker), NyseCalendar.instance(), ticker, 3, server.baseUri().resolve("/cookie"));
    }

    @Test
    void quotesGoThroughTheCookieAndCrumbFlow() {
        server.on("/cookie", Reply.text(404, "").withHeader("Set-Cookie", "A3=d=AQABBK; Expires=Tue, 1 Dec 2026 00:00:00 GMT; Domain=.yahoo.com"));
        server.on("/v1/test/getcrumb", Reply.text(200, fixture("v1_test_getcrumb_body.txt")));
        server.on("/v7/finance/quote", Reply.json(200, fixture("v7_quote_AAPL_with_crumb.json")));
        var quotes = quoteSource().fetchQuotes(List.of(Symbol.parse("AAPL")));
        assertThat(quotes).containsExactly(new io.stockingest.core.model.Quote(Symbol.parse("AAPL"), Instant.ofEpochSecond(1739566800), 244.6,
                244.44, 253.37, 40896227L, 241.07, 245.41, 241.0, 241.53, "CLOSED", "yahoo"));
        var quoteCall = server.requests().getLast();
        assertThat(FixtureServer.query(quoteCall)).containsEntry("symbols", "AAPL").containsEntry("crumb", "haT3oykhHqZ");
        assertThat(quoteCall.header("Cookie")).isEqualTo("A3=d=AQABBK");
    }

    @Test
    void anInvalidCrumbRenewsTheSessionOnce() {
        server.on("/cookie", Reply.text(200, "").withHeader("Set-Cookie", "A3=x"));
        server.on("/v1/test/getcrumb", Reply.text(200, "oldCrumb123"), Reply.text(200, "newCrumb456"));
        server.on("/v7/finance/quote",
                Reply.json(401, "{\"finance\":{\"result\":null,\"error\":{\"code\":\"Unauthorized\",\"description\":\"Invalid Crumb\"}}}"),
                Reply.json(200, fixture("v7_quote_AAPL_with_crumb.json")));
        assertThat(quoteSource().fetchQuotes(List.of(Symbol.parse("AAPL")))).hasSize(1);
        assertThat(FixtureServer.query(server.requests().getLast())).containsEntry("crumb", "newCrumb456");
    }

    @Test
    void aThrottledCrumbIsThrottlingNotACrumb() {
        server.on("/cookie", Reply.text(200, ""));
        server.on("/v1/test/getcrumb", Reply.text(429, fixture("http429_getcrumb_body_as_logged.txt")));
        assertThatThrownBy(() -> quoteSource().fetchQuotes(List.of(Symbol.parse("AAPL"))))
                .hasMessageContaining("throttled by Yahoo while getting a crumb ('Edge: Too Many Requests')")
                .extracting(e -> ((IngestException) e).kind()).isEqualTo(ErrorKind.THROTTLED);
    }
}
