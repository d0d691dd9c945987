package io.stockingest.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provider faults through the real CLI: each case states the exit code, the files and rows written, the rows
 * quarantined and the metrics counts it expects. Waiting (retries, throttling) goes through a FakeTicker, so
 * nothing really sleeps except the timeout cases (a one-second HTTP_TIMEOUT, an answer {@link #LATE}).
 */
class ProviderFaultsTest {
    private static final String CHART = "/v8/finance/chart/AAPL";
    private static final String AAPL_DAY = "raw/prices/symbol=AAPL/year=2020/month=01/AAPL-2020-01-02.parquet";
    private static final String[] YAHOO_ONE_DAY = {"prices", "--symbols", "AAPL", "--from", "2020-01-02", "--to", "2020-01-02", "--metrics-out", "m.json"};
    private static final String POLYGON_JAN = "/v2/aggs/ticker/AAPL/range/1/day/2024-01-02/2024-01-31";
    /**
     * How late a "too slow" answer comes with {@code HTTP_TIMEOUT=1}: far beyond the timeout, so that a timeout that
     * fires late on a loaded machine still fires before the answer (an answer 0.5 s after the timeout was accepted
     * when the client's timer ran more than 0.5 s late). The client gives up after 1 s either way, so no test waits
     * for it; the server's thread that holds it back is a virtual thread that ends on its own.
     */
    private static final Duration LATE = Duration.ofSeconds(20);

    @TempDir
    Path work;
    private Cli cli;

    @BeforeEach
    void start() {
        cli = new Cli(work);
    }

    @AfterEach
    void noSecretLeaked() {
        try {
            cli.assertNoSecretLeaked();
        } finally {
            cli.close();
        }
    }

    private static Reply chart() {
        return Reply.json(200, Cli.resource("yahoo/chart_AAPL_1d_2020-01-01_2020-01-03.json"));
    }

    private void assertTheOneYahooBarLanded() {
        assertThat(cli.priceFiles()).containsExactly(AAPL_DAY);
        assertThat(cli.rows(AAPL_DAY).getFirst()).containsEntry("open", 74.05999755859375).containsEntry("close", 75.0875015258789)
                .containsEntry("volume", 135480400L);
    }

    @Test
    void http500TwiceThenSuccessRetriesAndWritesEverything() {
        cli.server.on(CHART, Reply.text(500, "oops"), Reply.text(503, "busy"), chart());
        assertThat(cli.run(YAHOO_ONE_DAY)).as(cli.both()).isZero();
        assertTheOneYahooBarLanded();
        RunReport m = cli.metrics("m.json");
        assertThat(m.retries()).isEqualTo(2);
        assertThat(m.rowsWritten()).isEqualTo(1);
        assertThat(m.rowsQuarantined()).isZero();
        assertThat(cli.server.requests()).hasSize(3);
    }

    @Test
    void http500EveryTimeFailsTheSymbolAfterFiveAttemptsExit1NothingWritten() {
        cli.server.on(CHART, Reply.text(500, "oops"));
        assertThat(cli.run(YAHOO_ONE_DAY)).isEqualTo(1);
        assertThat(cli.server.requests()).hasSize(5);
        assertThat(cli.priceFiles()).isEmpty();
        RunReport m = cli.metrics("m.json");
        assertThat(m.symbolsFailed()).isEqualTo(1);
        assertThat(m.retries()).isEqualTo(4);
        assertThat(m.rowsWritten()).isZero();
        assertThat(cli.out()).contains("AAPL: ").contains("500");
    }

    @Test
    void aResponseSlowerThanHttpTimeoutIsRetried() {
        cli.server.on(CHART, chart().delayed(LATE), chart());
        assertThat(cli.run(Map.of("HTTP_TIMEOUT", "1"), YAHOO_ONE_DAY)).as(cli.both()).isZero();
        assertTheOneYahooBarLanded();
        assertThat(cli.metrics("m.json").retries()).isEqualTo(1);
        assertThat(cli.server.requests()).hasSize(2);
    }

    @Test
    void aProviderThatNeverAnswersInTimeFailsTheSymbolWithATimeoutMessage() {
        cli.server.on(CHART, chart().delayed(LATE));
        assertThat(cli.run(Map.of("HTTP_TIMEOUT", "1"), YAHOO_ONE_DAY)).isEqualTo(1);
        assertThat(cli.out()).containsIgnoringCase("timed out");
        assertThat(cli.priceFiles()).isEmpty();
        assertThat(cli.metrics("m.json").symbolsFailed()).isEqualTo(1);
    }

    @Test
    void aConnectionDroppedMidBodyIsRetried() {
        cli.server.on(CHART, chart().cutAfter(120), chart());
        assertThat(cli.run(YAHOO_ONE_DAY)).as(cli.both()).isZero();
        assertTheOneYahooBarLanded();
        assertThat(cli.metrics("m.json").retries()).isEqualTo(1);
    }

    @Test
    void aConnectionDroppedMidBodyEveryTimeFailsTheSymbolExit1() {
        cli.server.on(CHART, chart().cutAfter(120));
        assertThat(cli.run(YAHOO_ONE_DAY)).isEqualTo(1);
        assertThat(cli.server.requests()).hasSize(5);
        assertThat(cli.priceFiles()).isEmpty();
        assertThat(cli.out()).contains("AAPL: ");
    }

    @Test
    void truncatedJsonIsABadResponseNotRetriedExit1() {
        cli.server.on(CHART, chart().truncatedTo(200));
        assertThat(cli.run(YAHOO_ONE_DAY)).isEqualTo(1);
        assertThat(cli.server.requests()).hasSize(1);
        assertThat(cli.priceFiles()).isEmpty();
        RunReport m = cli.metrics("m.json");
        assertThat(m.symbolsFailed()).isEqualTo(1);
        assertThat(m.rowsWritten()).isZero();
        assertThat(cli.out()).contains("AAPL: Cannot fetch AAPL");
    }

    @Test
    void htmlInsteadOfJsonIsABadResponseExit1() {
        cli.server.on(CHART, new Reply(200, "text/html", "<html><body>Will be right back</body></html>".getBytes(StandardCharsets.UTF_8), Map.of()));
        assertThat(cli.run(YAHOO_ONE_DAY)).isEqualTo(1);
        assertThat(cli.priceFiles()).isEmpty();
        assertThat(cli.out()).contains("AAPL: Cannot fetch AAPL");
        assertThat(cli.metrics("m.json").symbolsFailed()).isEqualTo(1);
    }

    @Test
    void yahooChartErrorInsideA200FailsThatSymbolOnly() {
        cli.server.on(CHART, chart());
        cli.server.on("/v8/finance/chart/SIX", Reply.json(200, Cli.resource("yahoo/chart_SIX_404_not_found.json")));
        assertThat(cli.run("prices", "--symbols", "AAPL,SIX", "--from", "2020-01-02", "--to", "2020-01-02", "--metrics-out", "m.json")).isEqualTo(1);
        assertTheOneYahooBarLanded();
        assertThat(cli.out()).contains("SIX: Cannot fetch SIX");
        RunReport m = cli.metrics("m.json");
        assertThat(m.symbolsSucceeded()).isEqualTo(1);
        assertThat(m.symbolsFailed()).isEqualTo(1);
    }

    @Test
    void fmpErrorMessageInsideA200StopsTheRunExit2NamingTheKey() {
        cli.server.on("/stable/historical-price-eod/full", Reply.json(200, Cli.resource("fmp/invalid_api_key_2021_http200.dcf-pr2.json")));
        assertThat(cli.run("prices", "--source", "fmp", "--symbols", "AAPL,MSFT,NVDA", "--from", "2023-01-03", "--to", "2023-01-10",
                "--metrics-out", "m.json")).isEqualTo(2);
        assertThat(cli.both()).contains("FMP_API_KEY");
        assertThat(cli.priceFiles()).isEmpty();
    }

    @Test
    void anFmpRowDatedOutsideTheCalendarIsDroppedAsOutsideTheRangeNotACrash() {
        // found by ParserFuzzTest: a date past 2100 made NyseCalendar throw IllegalArgumentException out of the source
        String body = Cli.resource("fmp/stable_historical-price-eod_full_AAPL_2023-01-01_2023-01-10.json").replace("\"2023-01-10\"", "\"2223-01-10\"");
        cli.server.on("/stable/historical-price-eod/full", Reply.json(200, body));
        assertThat(cli.run("prices", "--source", "fmp", "--symbols", "AAPL", "--from", "2023-01-03",
                "--to", "2023-01-10", "--metrics-out", "m.json")).as(cli.both()).isZero();
        assertThat(cli.priceFiles()).hasSize(5).noneMatch(f -> f.contains("2023-01-10") || f.contains("2223"));
        assertThat(cli.checkedMarkers()).as("2023-01-10 came back without a bar: checked, not asked again").singleElement().asString()
                .endsWith("\n2023-01-10 empty\n");
        RunReport m = cli.metrics("m.json");
        assertThat(m.rowsWritten()).isEqualTo(5);
        assertThat(m.rowsQuarantined()).as("the source keeps only rows inside the requested range").isZero();
    }

    @Test
    void http429WithRetryAfterWaitsThatLongThenSucceeds() {
        cli.server.on(CHART, Reply.text(429, "Too Many Requests").withHeader("Retry-After", "7"), chart());
        assertThat(cli.run(YAHOO_ONE_DAY)).as(cli.both()).isZero();
        assertTheOneYahooBarLanded();
        // the limiter holds every permit until then, sleeping in steps of at most 100 ms
        Duration slept = cli.ticker.sleeps().stream().reduce(Duration.ZERO, Duration::plus);
        assertThat(slept).as("waited what Retry-After said").isBetween(Duration.ofSeconds(7), Duration.ofSeconds(8));
        RunReport m = cli.metrics("m.json");
        assertThat(m.throttled()).isEqualTo(1);
        assertThat(m.retries()).isEqualTo(1);
    }

    @Test
    void http429WithoutRetryAfterGoesBackThroughTheLimiterThenSucceeds() {
        cli.server.on(CHART, Reply.text(429, "Too Many Requests"), chart());
        assertThat(cli.run(YAHOO_ONE_DAY)).as(cli.both()).isZero();
        assertTheOneYahooBarLanded();
        // no fixed throttle delay: the limiter halves the rate and probes 100 ms after the 429
        Duration slept = cli.ticker.sleeps().stream().reduce(Duration.ZERO, Duration::plus);
        assertThat(slept).as("probed again within a second").isBetween(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThat(cli.metrics("m.json").throttled()).isEqualTo(1);
    }

    // ---- Polygon: generated January 2024 daily bars, one per session of the calendar (weekdays while NyseCalendar is a placeholder)

    private static List<LocalDate> januarySessions() {
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2024, 1, 2); !d.isAfter(LocalDate.of(2024, 1, 31)); d = d.plusDays(1)) {
            if (NyseCalendar.instance().isSession(d)) {
                out.add(d);
            }
        }
        return out;
    }

    private static String polygonBar(LocalDate day, double open, double high, double low, double close) {
        long t = day.atStartOfDay(ZoneId.of("America/New_York")).toInstant().toEpochMilli();
        return String.format(java.util.Locale.ROOT, "{\"v\":1000.0,\"vw\":%s,\"o\":%s,\"c\":%s,\"h\":%s,\"l\":%s,\"t\":%d,\"n\":10}",
                close, open, close, high, low, t);
    }

    private static String polygonAggs(List<String> bars) {
        return "{\"ticker\":\"AAPL\",\"queryCount\":" + bars.size() + ",\"resultsCount\":" + bars.size()
                + ",\"adjusted\":true,\"results\":[" + String.join(",", bars) + "],\"status\":\"OK\",\"request_id\":\"x\",\"count\":" + bars.size() + "}";
    }

    private static double price(int i) {
        return 100 + i;
    }

    private int runPolygonJanuary(String... extra) {
        List<String> args = new ArrayList<>(List.of("prices", "--source", "polygon", "--symbols", "AAPL", "--from", "2024-01-02", "--to", "2024-01-31",
                "--metrics-out", "m.json"));
        args.addAll(List.of(extra));
        return cli.run(args.toArray(String[]::new));
    }

    @Test
    void duplicatedAndOutOfOrderBarsKeepTheLastOfEachDayAndLandSorted() {
        List<LocalDate> days = januarySessions();
        List<String> bars = new ArrayList<>();
        for (int i = days.size() - 1; i >= 0; i--) {
            bars.add(polygonBar(days.get(i), price(i), price(i) + 1, price(i) - 1, price(i)));
        }
        bars.add(polygonBar(days.get(3), 50, 52, 49, 51)); // a later duplicate of 2024-01-05 wins
        cli.server.on(POLYGON_JAN, Reply.json(200, polygonAggs(bars)));
        assertThat(runPolygonJanuary("--backfill")).as(cli.both()).isZero();
        assertThat(cli.priceFiles()).containsExactly("raw/prices/symbol=AAPL/year=2024/AAPL-2024.parquet");
        List<Map<String, Object>> rows = cli.rows("raw/prices/symbol=AAPL/year=2024/AAPL-2024.parquet");
        assertThat(rows).extracting(r -> r.get("date")).containsExactlyElementsOf(days);
        assertThat(rows.get(3)).containsEntry("open", 50.0).containsEntry("close", 51.0);
        assertThat(rows.get(4)).containsEntry("open", price(4));
        RunReport m = cli.metrics("m.json");
        assertThat(m.rowsWritten()).isEqualTo(days.size());
        assertThat(m.rowsQuarantined()).isEqualTo(1);
        assertThat(m.quarantinedByRule()).containsEntry("duplicate", 1L);
    }

    @Test
    void oneBarBreakingOhlcOfAMonthIsQuarantinedWithItsRuleAndTheRestWritten() {
        List<LocalDate> days = januarySessions();
        List<String> bars = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            bars.add(i == 5 ? polygonBar(days.get(i), 100, 90, 95, 99) : polygonBar(days.get(i), price(i), price(i) + 1, price(i) - 1, price(i)));
        }
        cli.server.on(POLYGON_JAN, Reply.json(200, polygonAggs(bars)));
        assertThat(runPolygonJanuary()).as(cli.both()).isZero();
        assertThat(cli.priceFiles()).hasSize(days.size() - 1).noneMatch(f -> f.contains(days.get(5).toString()));
        RunReport m = cli.metrics("m.json");
        assertThat(m.rowsWritten()).isEqualTo(days.size() - 1);
        assertThat(m.rowsQuarantined()).isEqualTo(1);
        assertThat(m.quarantinedByRule()).containsExactly(Map.entry("ohlc_consistent", 1L));
        assertThat(cli.quarantineRows()).singleElement().satisfies(row -> {
            assertThat(row).containsEntry("date", days.get(5));
            assertThat(row.toString()).contains("ohlc_consistent");
        });
        assertThat(cli.checkedMarkers()).as("its session is recorded as checked: a rerun does not quarantine it again").singleElement().asString()
                .endsWith("\n" + days.get(5) + " quarantined\n");
    }

    @Test
    void twoBadBarsOfAMonthPassTheFivePercentGateSoTheSymbolIsGatedExit3NothingWritten() {
        List<LocalDate> days = januarySessions();
        List<String> bars = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            bars.add(i == 5 || i == 9 ? polygonBar(days.get(i), 100, 90, 95, 99) : polygonBar(days.get(i), price(i), price(i) + 1, price(i) - 1, price(i)));
        }
        cli.server.on(POLYGON_JAN, Reply.json(200, polygonAggs(bars)));
        assertThat(runPolygonJanuary()).isEqualTo(3);
        assertThat(cli.priceFiles()).isEmpty();
        assertThat(cli.out()).contains("data-quality gate: 2 of " + days.size() + " rows broke row rules (limit 5.0%)");
        RunReport m = cli.metrics("m.json");
        assertThat(m.rowsWritten()).isZero();
        assertThat(m.rowsQuarantined()).isEqualTo(2);
        assertThat(m.quarantinedByRule()).containsExactly(Map.entry("ohlc_consistent", 2L));
    }

    @Test
    void theShareIsJudgedOnlyFromTheConfiguredMinimumOfRows() {
        List<LocalDate> days = januarySessions();
        List<String> bars = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            bars.add(i == 5 || i == 9 ? polygonBar(days.get(i), 100, 90, 95, 99) : polygonBar(days.get(i), price(i), price(i) + 1, price(i) - 1, price(i)));
        }
        cli.server.on(POLYGON_JAN, Reply.json(200, polygonAggs(bars)));
        assertThat(cli.run(Map.of("DQ_QUARANTINE_SHARE_MIN_ROWS", "30"), "prices", "--source", "polygon", "--symbols", "AAPL", "--from", "2024-01-02",
                "--to", "2024-01-31", "--metrics-out", "m.json")).as("21 rows are fewer than 30: " + cli.both()).isZero();
        RunReport m = cli.metrics("m.json");
        assertThat(m.rowsWritten()).isEqualTo(days.size() - 2);
        assertThat(m.quarantinedByRule()).containsExactly(Map.entry("ohlc_consistent", 2L));

        assertThat(cli.run(Map.of("DQ_QUARANTINE_SHARE_MIN_ROWS", "0"), "prices", "--source", "polygon", "--symbols", "AAPL", "--from", "2024-01-02",
                "--to", "2024-01-31")).isEqualTo(2);
        assertThat(cli.both()).contains("DQ_QUARANTINE_SHARE_MIN_ROWS");
    }

    @Test
    void aSymbolPolygonDoesNotKnowIsAFailedSymbolExit1() {
        cli.server.on(POLYGON_JAN.replace("AAPL", "ZZZZQ"), Reply.json(200, "{\"ticker\":\"ZZZZQ\",\"queryCount\":0,\"resultsCount\":0,\"adjusted\":true,\"status\":\"OK\",\"request_id\":\"x\"}"));
        assertThat(cli.run("prices", "--source", "polygon", "--symbols", "ZZZZQ", "--from", "2024-01-02", "--to", "2024-01-31", "--metrics-out", "m.json")).isEqualTo(1);
        assertThat(cli.out()).contains("returned no bars for ZZZZQ");
        assertThat(cli.metrics("m.json").symbols().get("ZZZZQ").status()).isEqualTo("failed");
        assertThat(cli.priceFiles()).isEmpty();
    }

    @Test
    void fmpSlowerThanHttpTimeoutIsRetriedThenSucceeds() {
        Reply eod = Reply.json(200, Cli.resource("fmp/stable_historical-price-eod_full_AAPL_2023-01-01_2023-01-10.json"));
        cli.server.on("/stable/historical-price-eod/full", eod.delayed(LATE), eod);
        assertThat(cli.run(Map.of("HTTP_TIMEOUT", "1"), "prices", "--source", "fmp", "--symbols", "AAPL", "--from", "2023-01-03", "--to", "2023-01-10",
                "--metrics-out", "m.json")).as(cli.both()).isZero();
        assertThat(cli.server.requests()).hasSize(2);
        RunReport m = cli.metrics("m.json");
        assertThat(m.retries()).isEqualTo(1);
        assertThat(m.rowsWritten()).isEqualTo(6);
    }

    @Test
    void fmpNeverAnsweringWithinHttpTimeoutFailsTheSymbolWithATimeoutMessage() {
        cli.server.on("/stable/historical-price-eod/full",
                Reply.json(200, Cli.resource("fmp/stable_historical-price-eod_full_AAPL_2023-01-01_2023-01-10.json")).delayed(LATE));
        assertThat(cli.run(Map.of("HTTP_TIMEOUT", "1"), "prices", "--source", "fmp", "--symbols", "AAPL", "--from", "2023-01-03", "--to", "2023-01-10",
                "--metrics-out", "m.json")).isEqualTo(1);
        assertThat(cli.server.requests()).as("retried like a 5xx").hasSize(5);
        assertThat(cli.out()).contains("AAPL: ").containsIgnoringCase("timed out");
        assertThat(cli.priceFiles()).isEmpty();
        assertThat(cli.metrics("m.json").symbolsFailed()).isEqualTo(1);
    }

    @Test
    void polygonSlowerThanHttpTimeoutIsRetriedThenSucceeds() {
        List<LocalDate> days = januarySessions();
        List<String> bars = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            bars.add(polygonBar(days.get(i), price(i), price(i) + 1, price(i) - 1, price(i)));
        }
        Reply aggs = Reply.json(200, polygonAggs(bars));
        cli.server.on(POLYGON_JAN, aggs.delayed(LATE), aggs);
        assertThat(cli.run(Map.of("HTTP_TIMEOUT", "1"), "prices", "--source", "polygon", "--symbols", "AAPL", "--from", "2024-01-02", "--to", "2024-01-31",
                "--metrics-out", "m.json")).as(cli.both()).isZero();
        assertThat(cli.server.requests()).hasSize(2);
        assertThat(cli.priceFiles()).hasSize(days.size());
        assertThat(cli.metrics("m.json").retries()).isEqualTo(1);
    }

    @Test
    void polygonNeverAnsweringWithinHttpTimeoutFailsTheSymbolWithATimeoutMessage() {
        cli.server.on(POLYGON_JAN, Reply.json(200, polygonAggs(List.of())).delayed(LATE));
        assertThat(cli.run(Map.of("HTTP_TIMEOUT", "1"), "prices", "--source", "polygon", "--symbols", "AAPL", "--from", "2024-01-02", "--to", "2024-01-31",
                "--metrics-out", "m.json")).isEqualTo(1);
        assertThat(cli.server.requests()).as("retried like a 5xx").hasSize(5);
        assertThat(cli.out()).contains("AAPL: ").containsIgnoringCase("timed out");
        assertThat(cli.priceFiles()).isEmpty();
        assertThat(cli.metrics("m.json").symbolsFailed()).isEqualTo(1);
    }

    @Test
    void fmpInvalidKey401StopsTheRunAtOnceExit2NamingFmpApiKey() {
        cli.server.on("/stable/historical-price-eod/full", Reply.json(401, Cli.resource("fmp/invalid_api_key_2021_http200.dcf-pr2.json")));
        assertThat(cli.run(Map.of("MAX_WORKERS", "1"), "prices", "--source", "fmp", "--symbols", "AAPL,MSFT,NVDA,AMZN", "--from", "2023-01-03",
                "--to", "2023-01-10", "--metrics-out", "m.json")).isEqualTo(2);
        assertThat(cli.both()).contains("FMP_API_KEY");
        assertThat(cli.server.requests()).hasSize(1);
        assertThat(cli.priceFiles()).isEmpty();
    }

    @Test
    void polygonInvalidKey401StopsTheRunAtOnceExit2NamingPolygonApiKey() {
        cli.server.on(POLYGON_JAN, Reply.json(401, "{\"status\":\"ERROR\",\"request_id\":\"x\",\"error\":\"Unknown API Key\"}"));
        cli.server.on(POLYGON_JAN.replace("AAPL", "MSFT"), Reply.json(401, "{\"status\":\"ERROR\",\"request_id\":\"x\",\"error\":\"Unknown API Key\"}"));
        assertThat(cli.run(Map.of("MAX_WORKERS", "1"), "prices", "--source", "polygon", "--symbols", "AAPL,MSFT", "--from", "2024-01-02",
                "--to", "2024-01-31", "--metrics-out", "m.json")).isEqualTo(2);
        assertThat(cli.both()).contains("POLYGON_API_KEY");
        assertThat(cli.server.requests()).hasSize(1);
        assertThat(cli.priceFiles()).isEmpty();
    }
}
