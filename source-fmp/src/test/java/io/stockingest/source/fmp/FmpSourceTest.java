package io.stockingest.source.fmp;

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
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.StatementType;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.Source;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FmpSourceTest {
    private static final String KEY = "fmp_source_test_key_9f8e7d";
    private static final Symbol AAPL = Symbol.parse("AAPL");
    private static final DateRange JAN_2023 = new DateRange(LocalDate.of(2023, 1, 1), LocalDate.of(2023, 1, 10));
    private static final String EOD = "/stable/historical-price-eod/full";
    private static final String V3_EOD = "/api/v3/historical-price-full/AAPL";
    private final FixtureServer server = new FixtureServer();
    private final FakeTicker ticker = new FakeTicker(Instant.parse("2025-03-01T00:00:00Z"));
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        server.close();
    }

    static String fixture(String name) {
        try (InputStream in = FmpSourceTest.class.getResourceAsStream("/fmp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private FmpSource source(String... settings) {
        return source(ticker, settings);
    }

    /** A source against the fixture server, with the given extra settings, fast pacing and tiny retry delays. */
    private FmpSource source(FakeTicker clock, String... settings) {
        FmpConfig config = config(settings);
        ProviderEndpoint endpoint = new ProviderEndpoint("fmp", server.baseUri(), RateLimit.parse("1000/sec"),
                new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(1)), Duration.ofSeconds(5), 4, "stock-ingest");
        return new FmpSourceFactory(clock, NyseCalendar.instance()).create(config, endpoint);
    }

    private FmpConfig config(String... settings) {
        Map<String, String> values = new HashMap<>(Map.of("FMP_API_KEY", KEY, "FMP_BASE_URL", server.baseUri().toString(),
                "FMP_USAGE_FILE", usageFile().toString()));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return FmpConfig.from(Settings.of(values));
    }

    private Path usageFile() {
        return dir.resolve("fmp-calls.txt");
    }

    private static BarRequest daily(Symbol symbol, DateRange range) {
        return BarRequest.of(symbol, Interval.D1, range, BarRequest.Hours.REGULAR);
    }

    private static Bar dailyBar(String date, double open, double high, double low, double close, Double adjClose, long volume) {
        LocalDate day = LocalDate.parse(date);
        return new Bar(AAPL, Interval.D1, NyseCalendar.instance().session(day).orElseThrow().openInstant(), day, open, high, low, close, adjClose,
                volume, null, null, "fmp", Adjustment.SPLITS);
    }

    // ---- daily bars ----

    @Test
    void readsStableDailyBarsWithExactValuesAtTheSessionOpen() {
        server.on(EOD, Reply.json(200, fixture("stable_historical-price-eod_full_AAPL_2023-01-01_2023-01-10.json")));

        List<Bar> bars = source().fetchBars(daily(AAPL, JAN_2023));

        assertThat(bars).as("oldest first, no adjClose, FMP's typical-price vwap not kept").containsExactly(
                dailyBar("2023-01-03", 130.28, 130.9, 124.17, 125.07, null, 112117500),
                dailyBar("2023-01-04", 126.89, 128.66, 125.08, 126.36, null, 89113633),
                dailyBar("2023-01-05", 127.13, 127.77, 124.76, 125.02, null, 80962708),
                dailyBar("2023-01-06", 126.01, 130.29, 124.89, 129.62, null, 87754715),
                dailyBar("2023-01-09", 130.47, 133.41, 129.89, 130.15, null, 70790813),
                dailyBar("2023-01-10", 130.26, 131.26, 128.12, 130.73, null, 63896200));
        assertThat(bars.getLast().ts()).isEqualTo(Instant.parse("2023-01-10T14:30:00Z"));
    }

    @Test
    void sendsSymbolRangeAndKeyInTheQuery() {
        server.on(EOD, Reply.json(200, "[]"));

        assertThat(source().fetchBars(daily(AAPL, JAN_2023))).isEmpty();

        var request = server.requests().getFirst();
        assertThat(request.path()).isEqualTo(EOD);
        assertThat(FixtureServer.query(request)).containsExactly(
                Map.entry("symbol", "AAPL"), Map.entry("from", "2023-01-01"), Map.entry("to", "2023-01-10"), Map.entry("apikey", KEY));
    }

    @Test
    void readsLegacyV3DailyBarsWithAdjClose() {
        server.on(V3_EOD, Reply.json(200, fixture("v3_historical-price-full_AAPL_2023-01-01_2023-01-10.json")));

        List<Bar> bars = source("FMP_API_GENERATION", "v3").fetchBars(daily(AAPL, JAN_2023));

        assertThat(bars).hasSize(6);
        assertThat(bars.getLast()).isEqualTo(dailyBar("2023-01-10", 130.26, 131.26, 128.12, 130.73, 130.17, 63896200));
        assertThat(bars.get(4)).isEqualTo(dailyBar("2023-01-09", 130.47, 133.41, 129.89, 130.15, 129.6, 70790800));
        assertThat(bars.getFirst()).isEqualTo(dailyBar("2023-01-03", 130.28, 130.9, 124.17, 125.07, 124.54, 112117500));
        assertThat(FixtureServer.query(server.requests().getFirst())).containsExactly(
                Map.entry("from", "2023-01-01"), Map.entry("to", "2023-01-10"), Map.entry("apikey", KEY));
    }

    @Test
    void legacyAnswerWithoutHistoricalMeansNoData() {
        server.on(V3_EOD, Reply.json(200, "{}"), Reply.json(200, "{\"symbol\":\"AAPL\",\"historical\":[]}"));
        FmpSource source = source("FMP_API_GENERATION", "v3");

        assertThat(source.fetchBars(daily(AAPL, JAN_2023))).isEmpty();
        assertThat(source.fetchBars(daily(AAPL, JAN_2023))).isEmpty();
    }

    @Test
    void asksWithFmpSpellingAndAnswersWithTheRequestedSymbol() {
        server.on(EOD, Reply.json(200, """
                [ { "symbol": "BRK-B", "date": "2023-01-10", "open": 305.0, "high": 308, "low": 304.5, "close": 307.93, "volume": 3018800 } ]
                """));
        Symbol brk = Symbol.parse("BRK.B");

        List<Bar> bars = source().fetchBars(daily(brk, JAN_2023));

        assertThat(bars).singleElement().satisfies(bar -> {
            assertThat(bar.symbol()).isEqualTo(brk);
            assertThat(bar.high()).isEqualTo(308.0);
            assertThat(bar.volume()).isEqualTo(3018800L);
        });
        assertThat(FixtureServer.query(server.requests().getFirst())).containsEntry("symbol", "BRK-B");
    }

    @Test
    void dropsTodaysLiveBarAndRowsOutsideTheRange() {
        server.on(EOD, Reply.json(200, fixture("stable_historical-price-eod_full_AAPL_2023-01-01_2023-01-10.json")));
        FakeTicker duringSession = new FakeTicker(Instant.parse("2023-01-10T18:00:00Z"));

        List<Bar> bars = source(duringSession).fetchBars(daily(AAPL, new DateRange(LocalDate.of(2023, 1, 4), LocalDate.of(2023, 1, 10))));

        assertThat(bars).extracting(Bar::date).containsExactly(
                LocalDate.of(2023, 1, 4), LocalDate.of(2023, 1, 5), LocalDate.of(2023, 1, 6), LocalDate.of(2023, 1, 9));
    }

    // ---- intraday ----

    @Test
    void readsIntradayWallTimesAsNewYorkTimeAcrossTheDstChange() {
        // 2024-03-08 is EST (UTC-5), 2024-03-11 EDT (UTC-4): the clocks changed on Sunday 2024-03-10.
        server.on("/stable/historical-chart/5min", Reply.json(200, """
                [
                  { "date": "2024-03-11 09:35:00", "open": 172.94, "low": 172.5, "high": 173.2, "close": 172.9, "volume": 1104512 },
                  { "date": "2024-03-11 09:30:00", "open": 172.1, "low": 171.9, "high": 173.05, "close": 172.95, "volume": 2950101 },
                  { "date": "2024-03-08 15:55:00", "open": 170.9, "low": 170.6, "high": 171.1, "close": 170.73, "volume": 3377405 }
                ]
                """));
        DateRange range = new DateRange(LocalDate.of(2024, 3, 8), LocalDate.of(2024, 3, 11));

        List<Bar> bars = source().fetchBars(BarRequest.of(AAPL, Interval.M5, range, BarRequest.Hours.REGULAR));

        assertThat(bars).containsExactly(
                new Bar(AAPL, Interval.M5, Instant.parse("2024-03-08T20:55:00Z"), LocalDate.of(2024, 3, 8), 170.9, 171.1, 170.6, 170.73, null,
                        3377405, null, null, "fmp", Adjustment.SPLITS),
                new Bar(AAPL, Interval.M5, Instant.parse("2024-03-11T13:30:00Z"), LocalDate.of(2024, 3, 11), 172.1, 173.05, 171.9, 172.95, null,
                        2950101, null, null, "fmp", Adjustment.SPLITS),
                new Bar(AAPL, Interval.M5, Instant.parse("2024-03-11T13:35:00Z"), LocalDate.of(2024, 3, 11), 172.94, 173.2, 172.5, 172.9, null,
                        1104512, null, null, "fmp", Adjustment.SPLITS));
        assertThat(FixtureServer.query(server.requests().getFirst())).containsExactly(
                Map.entry("symbol", "AAPL"), Map.entry("from", "2024-03-08"), Map.entry("to", "2024-03-11"), Map.entry("apikey", KEY));
    }

    @Test
    void hourBarsAlignedToHalfPastWithExtendedHoursRequested() {
        // After the November change: 2024-11-04 is EST.
        server.on("/stable/historical-chart/1hour", Reply.json(200, """
                [ { "date": "2024-11-04 15:30:00", "open": 222.1, "low": 221.8, "high": 222.9, "close": 222.01, "volume": 5120334 } ]
                """));

        List<Bar> bars = source().fetchBars(BarRequest.of(AAPL, Interval.H1, DateRange.of(LocalDate.of(2024, 11, 4)), BarRequest.Hours.EXTENDED));

        assertThat(bars).singleElement().satisfies(bar -> assertThat(bar.ts()).isEqualTo(Instant.parse("2024-11-04T20:30:00Z")));
        assertThat(FixtureServer.query(server.requests().getFirst())).containsEntry("extended", "true");
    }

    @Test
    void anUnreadableBarTimeIsABadResponse() {
        server.on("/stable/historical-chart/1min", Reply.json(200, "[ { \"date\": \"2024-03-11T09:30:00Z\", \"open\": 1 } ]"));

        assertThatFails(() -> source().fetchBars(BarRequest.of(AAPL, Interval.M1, DateRange.of(LocalDate.of(2024, 3, 11)), BarRequest.Hours.REGULAR)),
                ErrorKind.BAD_RESPONSE, "unreadable bar time '2024-03-11T09:30:00Z'");
    }

    // ---- planning and budget ----

    @Test
    void splitsRangesSoNoRequestExceedsFiveThousandRows() {
        FmpSource source = source("FMP_PLAN", "starter");
        DateRange thirtyYears = new DateRange(LocalDate.of(1995, 1, 1), LocalDate.of(2024, 12, 31));

        List<BarRequest> daily = source.planBars(List.of(AAPL, Symbol.parse("MSFT")), Interval.D1, thirtyYears, BarRequest.Hours.REGULAR);
        List<BarRequest> minutes = source.planBars(List.of(AAPL), Interval.M1, new DateRange(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 31)),
                BarRequest.Hours.EXTENDED);

        assertThat(daily).extracting(BarRequest::range).containsExactly(
                new DateRange(LocalDate.of(1995, 1, 1), LocalDate.of(2008, 9, 8)),
                new DateRange(LocalDate.of(2008, 9, 9), LocalDate.of(2022, 5, 18)),
                new DateRange(LocalDate.of(2022, 5, 19), LocalDate.of(2024, 12, 31)),
                new DateRange(LocalDate.of(1995, 1, 1), LocalDate.of(2008, 9, 8)),
                new DateRange(LocalDate.of(2008, 9, 9), LocalDate.of(2022, 5, 18)),
                new DateRange(LocalDate.of(2022, 5, 19), LocalDate.of(2024, 12, 31)));
        assertThat(minutes).as("16 hours x 60 bars a day: 5 days a request").hasSize(7)
                .allSatisfy(request -> assertThat(request.range().days()).isLessThanOrEqualTo(5));
        assertThat(FmpBars.chunkDays(Interval.H1)).isEqualTo(312);
    }

    @Test
    void refusesIntervalsFmpDoesNotHave() {
        assertThatFails(() -> source().planBars(List.of(AAPL), Interval.W1, JAN_2023, BarRequest.Hours.REGULAR),
                ErrorKind.USAGE, "FMP has no 1wk bars (it has 1m, 5m, 15m, 30m, 1h and 1d)");
        assertThatFails(() -> source().fetchBars(BarRequest.of(AAPL, Interval.MO1, JAN_2023, BarRequest.Hours.REGULAR)),
                ErrorKind.USAGE, "FMP has no 1mo bars");
        assertThatFails(() -> source().fetchStatements(AAPL, StatementType.INCOME, Source.Period.ANNUAL, 0), ErrorKind.USAGE,
                "--limit must be at least 1, not 0");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void freePlanRefusesARunOverItsDailyBudgetBeforeTheFirstRequest() {
        FmpSource source = source();
        source.checkBudget(250);

        assertThatFails(() -> source.checkBudget(251), ErrorKind.CONFIG,
                "This run needs 251 FMP calls but the free plan allows 250 a day: fetch fewer symbols or a shorter range, split the run over "
                        + "several days, or set FMP_PLAN to your paid plan (starter, premium, ultimate) or FMP_RATE_LIMIT to its limit");
        assertThat(server.requests()).isEmpty();
        source("FMP_PLAN", "starter").checkBudget(100_000);
    }

    @Test
    void neverSendsMoreCallsThanTheDailyBudget() throws IOException {
        server.on(EOD, Reply.json(200, "[]"));
        FmpSource source = source("FMP_RATE_LIMIT", "2/day");
        source.fetchBars(daily(AAPL, JAN_2023));
        source.fetchBars(daily(AAPL, JAN_2023));

        assertThat(Files.readString(usageFile())).isEqualTo("2025-03-01 2\n");
        assertThatFails(() -> source.checkBudget(1), ErrorKind.CONFIG, "This run needs 1 FMP call but the free plan allows 2 a day and 2 were "
                + "already used today (UTC, counted in " + usageFile() + "), so 0 are left");
        assertThatFails(() -> source.fetchBars(daily(AAPL, JAN_2023)), ErrorKind.THROTTLED,
                "Cannot fetch AAPL 1d 2023-01-01..2023-01-10 from fmp: the daily budget of 2 FMP calls (FMP_PLAN=free) is used up for today "
                        + "(UTC, counted in " + usageFile() + "); run the rest tomorrow or set FMP_PLAN to your paid plan");
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void countsTheCallsOfEarlierRunsTodayButNotOfYesterday() throws IOException {
        Files.writeString(usageFile(), "2025-03-01 245\n");
        FmpSource source = source();
        source.checkBudget(5);

        assertThatFails(() -> source.checkBudget(6), ErrorKind.CONFIG,
                "This run needs 6 FMP calls but the free plan allows 250 a day and 245 were already used today");

        Files.writeString(usageFile(), "2025-02-28 250\n");
        source.checkBudget(250);
    }

    @Test
    void aPaidPlanKeepsNoUsageFile() {
        server.on(EOD, Reply.json(200, "[]"));
        source("FMP_PLAN", "starter").fetchBars(daily(AAPL, JAN_2023));

        assertThat(usageFile()).doesNotExist();
    }

    @Test
    void anUnreadableUsageFileIsAConfigErrorNamingIt() throws IOException {
        Files.writeString(usageFile(), "2025-03-01 lots\n");

        assertThatFails(() -> source().checkBudget(1), ErrorKind.CONFIG, "Cannot read the FMP call count in " + usageFile());
    }

    // ---- errors ----

    @Test
    void legacyEndpointRefusalSaysToUseTheStableApi() {
        server.on(V3_EOD, Reply.json(403, fixture("http403_legacy_endpoint.issue58.json")));

        assertThatFails(() -> source("FMP_API_GENERATION", "v3").fetchBars(daily(AAPL, JAN_2023)), ErrorKind.CONFIG,
                "Cannot fetch AAPL 1d 2023-01-01..2023-01-10 from fmp: FMP refused the legacy /api/v3 endpoint (HTTP 403 'Legacy Endpoint : Due to "
                        + "Legacy endpoints being no longer supported");
        assertThatFails(() -> source("FMP_API_GENERATION", "v3").fetchBars(daily(AAPL, JAN_2023)), ErrorKind.CONFIG,
                "keys made after 2025-08-31 must use the stable API: set FMP_API_GENERATION=stable (the default)");
        assertThat(server.requests()).as("403 is not retried").hasSize(2);
    }

    @Test
    void limitReachIsRetriedThenThrottledWithThePlansLimit() {
        server.on(EOD, Reply.json(429, fixture("http429_limit_reach.blocksense-pr1275.json")));

        assertThatFails(() -> source("FMP_PLAN", "starter").fetchBars(daily(AAPL, JAN_2023)), ErrorKind.THROTTLED,
                "Cannot fetch AAPL 1d 2023-01-01..2023-01-10 from fmp: FMP's limit was reached (HTTP 429 'Limit Reach . Please upgrade your plan or "
                        + "visit our documentation for more details at https://site.financialmodelingprep.com/'); still throttled after retries at "
                        + "300/min; lower FMP_RATE_LIMIT or check FMP_PLAN");
        assertThat(server.requests()).as("three attempts").hasSize(3);
    }

    @Test
    void limitReachOnTheFreePlanWaitsAMinuteOnceThenStopsTheDaysCalls() throws IOException {
        server.on(EOD, Reply.json(429, fixture("http429_limit_reach.blocksense-pr1275.json")));
        FakeTicker clock = new FakeTicker(Instant.parse("2025-03-01T00:00:00Z"));
        FmpConfig config = config();
        FmpSource source = new FmpSourceFactory(clock, NyseCalendar.instance()).create(config, config.endpoint());

        assertThatFails(() -> source.fetchBars(daily(AAPL, JAN_2023)), ErrorKind.THROTTLED,
                "the free plan allows 250 calls a day and they are used up (later runs today stop before their first call); run again "
                        + "tomorrow or upgrade the plan and set FMP_PLAN");
        assertThat(server.requests()).hasSize(2);
        assertThat(clock.sleeps()).contains(Duration.ofMinutes(1));

        assertThat(Files.readString(usageFile())).isEqualTo("2025-03-01 250\n");
        assertThatFails(() -> source.fetchBars(daily(AAPL, JAN_2023)), ErrorKind.THROTTLED, "the daily budget of 250 FMP calls (FMP_PLAN=free) is "
                + "used up for today");
        FmpConfig next = config();
        assertThatFails(() -> new FmpSourceFactory(clock, NyseCalendar.instance()).create(next, next.endpoint()).checkBudget(1), ErrorKind.CONFIG,
                "This run needs 1 FMP call but the free plan allows 250 a day and 250 were already used today");
        assertThat(server.requests()).as("nothing more was sent").hasSize(2);
    }

    @Test
    void invalidKeyInsideA200IsAnAuthError() {
        server.on(EOD, Reply.json(200, fixture("invalid_api_key_2021_http200.dcf-pr2.json")));

        assertThatFails(() -> source().fetchBars(daily(AAPL, JAN_2023)), ErrorKind.AUTH,
                "Cannot fetch AAPL 1d 2023-01-01..2023-01-10 from fmp: FMP rejected the API key (HTTP 200 'Invalid API KEY. Please retry or visit our "
                        + "documentation to create one FREE https://financialmodelingprep.com/developer/docs'); check FMP_API_KEY");
    }

    @Test
    void http401IsAnAuthErrorWithoutRetries() {
        server.on(EOD, Reply.json(401, "{\"Error Message\": \"Invalid API KEY. Feel free to create a Free API Key or visit "
                + "https://site.financialmodelingprep.com/faqs?search=why-is-my-api-key-invalid for more information.\"}"));

        assertThatFails(() -> source().fetchBars(daily(AAPL, JAN_2023)), ErrorKind.AUTH, "FMP rejected the API key (HTTP 401 'Invalid API KEY. Feel free");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void planRestrictionInPlainTextKeepsFmpsWords() {
        server.on(EOD, Reply.text(402, "Premium Query Parameter: 'Special Endpoint : This value set for 'symbol' is not available under your current "
                + "subscription please visit our subscription page to upgrade your plan at https://site.financialmodelingprep.com/developer/docs/pricing'"));

        assertThatFails(() -> source().fetchBars(daily(Symbol.parse("TSM"), JAN_2023)), ErrorKind.NOT_ENTITLED,
                "Cannot fetch TSM 1d 2023-01-01..2023-01-10 from fmp: not in your FMP plan (HTTP 402 'Premium Query Parameter: 'Special Endpoint : "
                        + "This value set for 'symbol' is not available under your current subscription");
    }

    @Test
    void htmlOrTruncatedBodiesAreBadResponses() {
        server.on(EOD, Reply.text(200, "<!DOCTYPE html><html><body>Maintenance</body></html>"),
                Reply.json(200, "[ { \"symbol\": \"AAPL\", \"date\": \"2023-01-10\", \"open\": 130.2"));
        FmpSource source = source();

        assertThatFails(() -> source.fetchBars(daily(AAPL, JAN_2023)), ErrorKind.BAD_RESPONSE,
                "FMP answered HTTP 200 with a body that is not JSON ('<!DOCTYPE html><html><body>Maintenance</body></html>')");
        assertThatFails(() -> source.fetchBars(daily(AAPL, JAN_2023)), ErrorKind.BAD_RESPONSE, "FMP answered HTTP 200 with a body that is not JSON");
    }

    @Test
    void streamedRowsReadMissingOrTextPricesAsNaNRoundAFractionalVolumeAndSkipNestedFields() {
        server.on(EOD, Reply.json(200, """
                [ {"symbol": "AAPL", "date": " 2023-01-04 ", "open": "126.89", "high": 128.66, "low": null, "close": 126.36,
                   "volume": 89113633.6, "extra": {"nested": [1, 2, {"date": "1999-01-01"}]}, "adjClose": 1.0},
                  {"symbol": "AAPL", "date": "2023-01-03T00:00:00", "open": 130.28, "high": 130.9, "low": 124.17, "close": 125.07,
                   "volume": "lots"} ]
                """));

        List<Bar> bars = source().fetchBars(daily(AAPL, JAN_2023));

        assertThat(bars).as("stable rows never carry adjClose; a longer date keeps its first 10 characters").containsExactly(
                dailyBar("2023-01-03", 130.28, 130.9, 124.17, 125.07, null, 0),
                dailyBar("2023-01-04", Double.NaN, 128.66, Double.NaN, 126.36, null, 89113634));
    }

    @Test
    void aBodyTheByteScannerGivesUpOnHalfwayIsReadWholeByJacksonWithNoRowTwice() {
        // the first row is in the scanner's shape; the second has an escape, so the whole body goes to Jackson
        server.on(EOD, Reply.json(200, """
                [ {"symbol": "AAPL", "date": "2023-01-04", "open": 126.89, "high": 128.66, "low": 125.08, "close": 126.36, "volume": 89113600},
                  {"symbol": "AAPL", "label": "Jan \\"3\\"", "date": "2023-01-03", "open": 130.28, "high": 130.9, "low": 124.17, "close": 125.07,
                   "volume": 112117500} ]
                """));

        List<Bar> bars = source().fetchBars(daily(AAPL, JAN_2023));

        assertThat(bars).containsExactly(dailyBar("2023-01-03", 130.28, 130.9, 124.17, 125.07, null, 112117500),
                dailyBar("2023-01-04", 126.89, 128.66, 125.08, 126.36, null, 89113600));
    }

    @Test
    void anImpossibleOrMissingDateInAStreamedRowIsABadResponse() {
        server.on(EOD, Reply.json(200, "[{\"date\": \"2023-02-30\", \"open\": 1}]"), Reply.json(200, "[{\"open\": 1}]"),
                Reply.json(200, "[42]"));
        FmpSource source = source();

        assertThatFails(() -> source.fetchBars(daily(AAPL, JAN_2023)), ErrorKind.BAD_RESPONSE, "unreadable date '2023-02-30'");
        assertThatFails(() -> source.fetchBars(daily(AAPL, JAN_2023)), ErrorKind.BAD_RESPONSE, "a row has no 'date'");
        assertThatFails(() -> source.fetchBars(daily(AAPL, JAN_2023)), ErrorKind.BAD_RESPONSE, "a row has no 'date'");
    }

    @Test
    void anEmptyObjectIsNoDataAndAnEmptyArrayToo() {
        server.on(EOD, Reply.json(200, "{}"), Reply.json(200, " [ ] "));
        FmpSource source = source();

        assertThat(source.fetchBars(daily(AAPL, JAN_2023))).isEmpty();
        assertThat(source.fetchBars(daily(AAPL, JAN_2023))).isEmpty();
    }

    @Test
    void readsIsoDatesByHandAsStrictlyAsLocalDateParse() {
        assertThat(FmpRows.isoDate("2024-02-29")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(FmpRows.isoDate("2023-02-29")).isNull();
        assertThat(FmpRows.isoDate("2023-13-01")).isNull();
        assertThat(FmpRows.isoDate("2023-1-01")).isNull();
        assertThat(FmpRows.isoDate("2023-01-0x")).isNull();
        assertThat(FmpRows.isoDate("+12023-01-01")).isEqualTo(LocalDate.of(12023, 1, 1));
        assertThat(FmpRows.wallTime("2024-03-11 09:30:00")).isEqualTo(LocalDate.of(2024, 3, 11).atTime(9, 30));
        assertThat(FmpRows.wallTime("2024-03-11 24:00:00")).isNull();
        assertThat(FmpRows.wallTime("2024-03-11T09:30:00")).isNull();
    }

    @Test
    void serverErrorsAreTransientAfterRetries() {
        server.on(EOD, Reply.text(502, "<html><body>502 Bad Gateway</body></html>"));

        assertThatFails(() -> source().fetchBars(daily(AAPL, JAN_2023)), ErrorKind.TRANSIENT, "FMP answered HTTP 502");
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void anObjectWhereAnArrayBelongsIsABadResponse() {
        server.on(EOD, Reply.json(200, "{\"unexpected\": true}"));

        assertThatFails(() -> source().fetchBars(daily(AAPL, JAN_2023)), ErrorKind.BAD_RESPONSE, "expected a JSON array from FMP, got OBJECT");
    }

    // ---- statements ----

    @Test
    void readsTheIncomeStatementHeaderAndEveryLineItem() {
        server.on("/stable/income-statement", Reply.json(200, fixture("stable_income-statement_AAPL_annual_limit1.json")));

        List<FinancialStatement> statements = source().fetchStatements(AAPL, StatementType.INCOME, Source.Period.ANNUAL, 1);

        assertThat(statements).singleElement().satisfies(statement -> {
            assertThat(statement.symbol()).isEqualTo(AAPL);
            assertThat(statement.type()).isEqualTo(StatementType.INCOME);
            assertThat(statement.period()).isEqualTo("FY");
            assertThat(statement.fiscalYear()).isEqualTo(2024);
            assertThat(statement.periodEnd()).isEqualTo(LocalDate.of(2024, 9, 28));
            assertThat(statement.filingDate()).isEqualTo(LocalDate.of(2024, 11, 1));
            assertThat(statement.acceptedAt()).as("EDGAR time, New York (EDT)").isEqualTo(Instant.parse("2024-11-01T10:01:36Z"));
            assertThat(statement.currency()).isEqualTo("USD");
            assertThat(statement.source()).isEqualTo("fmp");
            assertThat(statement.lineItems()).hasSize(31)
                    .containsEntry("revenue", 391035000000.0)
                    .containsEntry("costOfRevenue", 210352000000.0)
                    .containsEntry("generalAndAdministrativeExpenses", 0.0)
                    .containsEntry("netIncome", 93736000000.0)
                    .containsEntry("eps", 6.11)
                    .containsEntry("epsDiluted", 6.08)
                    .containsEntry("weightedAverageShsOutDil", 15408095000.0)
                    .doesNotContainKeys("date", "symbol", "reportedCurrency", "cik", "filingDate", "acceptedDate", "fiscalYear", "period");
        });
        assertThat(server.requests().getFirst().path()).isEqualTo("/stable/income-statement");
        assertThat(FixtureServer.query(server.requests().getFirst())).containsExactly(
                Map.entry("symbol", "AAPL"), Map.entry("period", "annual"), Map.entry("limit", "1"), Map.entry("apikey", KEY));
    }

    static final List<String> BALANCE_FIELDS = List.of("cashAndCashEquivalents", "shortTermInvestments", "cashAndShortTermInvestments",
            "netReceivables", "accountsReceivables", "otherReceivables", "inventory", "prepaids", "otherCurrentAssets", "totalCurrentAssets",
            "propertyPlantEquipmentNet", "goodwill", "intangibleAssets", "goodwillAndIntangibleAssets", "longTermInvestments", "taxAssets",
            "otherNonCurrentAssets", "totalNonCurrentAssets", "otherAssets", "totalAssets", "totalPayables", "accountPayables", "otherPayables",
            "accruedExpenses", "shortTermDebt", "capitalLeaseObligationsCurrent", "taxPayables", "deferredRevenue", "otherCurrentLiabilities",
            "totalCurrentLiabilities", "longTermDebt", "capitalLeaseObligationsNonCurrent", "deferredRevenueNonCurrent",
            "deferredTaxLiabilitiesNonCurrent", "otherNonCurrentLiabilities", "totalNonCurrentLiabilities", "otherLiabilities",
            "capitalLeaseObligations", "totalLiabilities", "treasuryStock", "preferredStock", "commonStock", "retainedEarnings",
            "additionalPaidInCapital", "accumulatedOtherComprehensiveIncomeLoss", "otherTotalStockholdersEquity", "totalStockholdersEquity",
            "totalEquity", "minorityInterest", "totalLiabilitiesAndTotalEquity", "totalInvestments", "totalDebt", "netDebt");

    static final List<String> CASH_FLOW_FIELDS = List.of("netIncome", "depreciationAndAmortization", "deferredIncomeTax",
            "stockBasedCompensation", "changeInWorkingCapital", "accountsReceivables", "inventory", "accountsPayables", "otherWorkingCapital",
            "otherNonCashItems", "netCashProvidedByOperatingActivities", "investmentsInPropertyPlantAndEquipment", "acquisitionsNet",
            "purchasesOfInvestments", "salesMaturitiesOfInvestments", "otherInvestingActivities", "netCashProvidedByInvestingActivities",
            "netDebtIssuance", "longTermNetDebtIssuance", "shortTermNetDebtIssuance", "netStockIssuance", "netCommonStockIssuance",
            "commonStockIssuance", "commonStockRepurchased", "netPreferredStockIssuance", "netDividendsPaid", "commonDividendsPaid",
            "preferredDividendsPaid", "otherFinancingActivities", "netCashProvidedByFinancingActivities", "effectOfForexChangesOnCash",
            "netChangeInCash", "cashAtEndOfPeriod", "cashAtBeginningOfPeriod", "operatingCashFlow", "capitalExpenditure", "freeCashFlow",
            "incomeTaxesPaid", "interestPaid");

    /** A statement row in the documented shape: the common header, then each field with a distinct value (-1, -2, ...). */
    private static String statementBody(String period, String fiscalYear, String date, List<String> fields) {
        StringBuilder body = new StringBuilder("[ { \"date\": \"" + date + "\", \"symbol\": \"AAPL\", \"reportedCurrency\": \"USD\", "
                + "\"cik\": \"0000320193\", \"filingDate\": \"2025-01-31\", \"acceptedDate\": \"2025-01-30 18:05:12\", \"fiscalYear\": \""
                + fiscalYear + "\", \"period\": \"" + period + "\"");
        for (int i = 0; i < fields.size(); i++) {
            body.append(", \"").append(fields.get(i)).append("\": ").append(i % 2 == 0 ? -(i + 1) * 1_000_000L : (i + 1) + 0.5);
        }
        return body.append(" } ]").toString();
    }

    @Test
    void keepsEveryBalanceSheetAndCashFlowFieldGenerically() {
        server.on("/stable/balance-sheet-statement", Reply.json(200, statementBody("Q1", "2025", "2024-12-28", BALANCE_FIELDS)));
        server.on("/stable/cash-flow-statement", Reply.json(200, statementBody("Q1", "2025", "2024-12-28", CASH_FLOW_FIELDS)));
        FmpSource source = source();

        FinancialStatement balance = source.fetchStatements(AAPL, StatementType.BALANCE, Source.Period.QUARTER, 4).getFirst();
        FinancialStatement cashFlow = source.fetchStatements(AAPL, StatementType.CASHFLOW, Source.Period.QUARTER, 4).getFirst();

        assertThat(balance.lineItems()).containsOnlyKeys(BALANCE_FIELDS).containsEntry("cashAndCashEquivalents", -1_000_000.0)
                .containsEntry("netDebt", -53_000_000.0).containsEntry("shortTermInvestments", 2.5);
        assertThat(cashFlow.lineItems()).containsOnlyKeys(CASH_FLOW_FIELDS).containsEntry("interestPaid", -39_000_000.0)
                .containsEntry("capitalExpenditure", 36.5);
        assertThat(List.of(balance.period(), cashFlow.period())).containsOnly("Q1");
        assertThat(balance.fiscalYear()).as("FMP's fiscal year, not the calendar year of the period end").isEqualTo(2025);
        assertThat(balance.acceptedAt()).as("EST in January").isEqualTo(Instant.parse("2025-01-30T23:05:12Z"));
        assertThat(FixtureServer.query(server.requests().getLast())).containsEntry("period", "quarter").containsEntry("limit", "4");
    }

    @Test
    void aFieldFmpAddsLaterIsKept() {
        server.on("/stable/income-statement", Reply.json(200, statementBody("FY", "2024", "2024-09-28", List.of("revenue", "aBrandNewMetric"))));

        FinancialStatement statement = source().fetchStatements(AAPL, StatementType.INCOME, Source.Period.ANNUAL, 1).getFirst();

        assertThat(statement.lineItems()).containsOnlyKeys("revenue", "aBrandNewMetric");
    }

    // ---- actions ----

    @Test
    void readsDividendsAndSplitsInTheRangeByExDate() {
        server.on("/stable/dividends", Reply.json(200, """
                [
                  { "symbol": "AAPL", "date": "2024-08-12", "recordDate": "2024-08-12", "paymentDate": "2024-08-15", "declarationDate": "2024-08-01",
                    "adjDividend": 0.25, "dividend": 0.25, "yield": 0.4376, "frequency": "Quarterly" },
                  { "symbol": "AAPL", "date": "2020-08-07", "recordDate": "2020-08-10", "paymentDate": "2020-08-13", "declarationDate": "2020-07-30",
                    "adjDividend": 0.205, "dividend": 0.82, "yield": 0.6, "frequency": "Quarterly" },
                  { "symbol": "AAPL", "date": "1995-11-21", "recordDate": "", "paymentDate": "", "declarationDate": "",
                    "adjDividend": 0.00107, "dividend": 0.12, "yield": 0, "frequency": "Quarterly" }
                ]
                """));
        server.on("/stable/splits", Reply.json(200, """
                [
                  { "symbol": "AAPL", "date": "2020-08-31", "numerator": 4, "denominator": 1 },
                  { "symbol": "AAPL", "date": "2014-06-09", "numerator": 7, "denominator": 1 }
                ]
                """));

        List<CorporateAction> actions = source().fetchActions(AAPL, new DateRange(LocalDate.of(1995, 1, 1), LocalDate.of(2020, 12, 31)));

        assertThat(actions).containsExactly(
                new CorporateAction(AAPL, CorporateAction.Type.DIVIDEND, LocalDate.of(1995, 11, 21), 0.12, null, null, null, null, null, null, "fmp"),
                new CorporateAction(AAPL, CorporateAction.Type.SPLIT, LocalDate.of(2014, 6, 9), null, 7.0, 1.0, null, null, null, null, "fmp"),
                new CorporateAction(AAPL, CorporateAction.Type.DIVIDEND, LocalDate.of(2020, 8, 7), 0.82, null, null, LocalDate.of(2020, 8, 10),
                        LocalDate.of(2020, 8, 13), LocalDate.of(2020, 7, 30), null, "fmp"),
                new CorporateAction(AAPL, CorporateAction.Type.SPLIT, LocalDate.of(2020, 8, 31), null, 4.0, 1.0, null, null, null, null, "fmp"));
        assertThat(server.requests()).extracting(FixtureServer::query).allSatisfy(query ->
                assertThat(query).containsExactly(Map.entry("symbol", "AAPL"), Map.entry("apikey", KEY)));
    }

    private void assertThatFails(ThrowingCallable call, ErrorKind kind, String message) {
        Consumer<IngestException> check = e -> {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
            assertThat(e.getMessage()).contains(message).doesNotContain(KEY);
        };
        assertThatThrownBy(call).isInstanceOfSatisfying(IngestException.class, check);
    }
}
