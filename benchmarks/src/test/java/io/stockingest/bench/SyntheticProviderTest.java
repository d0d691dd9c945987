package io.stockingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.http.RateLimit;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SyntheticProviderTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final HttpClient http = HttpClient.newHttpClient();
    private SyntheticProvider provider;

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.close();
        }
        http.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(provider.baseUri() + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String AAPL = "/stable/historical-price-eod/full?symbol=AAPL&from=2023-01-03&to=2023-01-10&apikey=k";

    @Test
    void refusesWithFmpsRealLimitReachBodyOnceTheWindowIsFullAndAcceptsAgainWhenItSlides() throws Exception {
        provider = SyntheticProvider.start(Optional.of(new RateLimit(3, Duration.ofSeconds(10))), Duration.ZERO, clock::get);

        for (int i = 0; i < 3; i++) {
            assertThat(get(AAPL).statusCode()).as("request %d of 3 fits the window", i + 1).isEqualTo(200);
            clock.addAndGet(Duration.ofSeconds(1).toNanos());
        }
        HttpResponse<String> refused = get(AAPL);
        assertThat(refused.statusCode()).isEqualTo(429);
        String fixture = Files.readString(Path.of("src/test/resources/fmp/http429_limit_reach.blocksense-pr1275.json"));
        assertThat(refused.body()).as("the recorded FMP 429 body").isEqualTo(fixture);
        assertThat(get(AAPL).statusCode()).as("a refused request does not count against the window").isEqualTo(429);

        clock.addAndGet(Duration.ofSeconds(7).toNanos()); // t=10 s: the first request (t=0) leaves the window
        assertThat(get(AAPL).statusCode()).isEqualTo(200);
        assertThat(get(AAPL).statusCode()).as("only one slot was freed").isEqualTo(429);

        assertThat(provider.requests()).isEqualTo(7);
        assertThat(provider.throttled()).isEqualTo(3);
        // arrivals at t=0,1,2,3,3 s then t=10,10 s: the window (0.., 10] ending at 10 s holds t=1,2,3,3,10,10
        assertThat(provider.peakInWindow()).isEqualTo(6);
    }

    @Test
    void answersFmpStableDailyBarsNewestFirstOnSessionsOnlyAndTheSameEveryTime() throws Exception {
        provider = SyntheticProvider.start(Optional.empty(), Duration.ZERO, clock::get);

        HttpResponse<String> first = get(AAPL);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).startsWith("[\n  {\n    \"symbol\": \"AAPL\",\n    \"date\": \"2023-01-10\"");
        // 2023-01-03..2023-01-10 has six NYSE sessions (no weekend days)
        assertThat(first.body().split("\"date\"")).hasSize(7);
        assertThat(first.body()).doesNotContain("2023-01-07", "2023-01-08").contains("\"date\": \"2023-01-03\"");
        assertThat(get(AAPL).body()).as("deterministic").isEqualTo(first.body());
        SyntheticBars.Day day = SyntheticBars.day("AAPL", LocalDate.of(2023, 1, 10));
        assertThat(first.body()).contains("\"open\": " + day.open() + ",", "\"close\": " + day.close() + ",", "\"volume\": " + day.volume() + ",");
        assertThat(day.high()).isGreaterThanOrEqualTo(Math.max(day.open(), day.close()));
        assertThat(day.low()).isLessThanOrEqualTo(Math.min(day.open(), day.close())).isPositive();
        assertThat(provider.peakInWindow()).as("without a limit: every request").isEqualTo(2);
    }

    @Test
    void refusesARequestWithoutAKeyLikeFmp() throws Exception {
        provider = SyntheticProvider.start(Optional.empty(), Duration.ZERO, clock::get);

        HttpResponse<String> response = get("/stable/historical-price-eod/full?symbol=AAPL");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"Error Message\": \"Invalid API KEY.");
    }

    @Test
    void answersPolygonAggregatesAndYahooChartsInTheirShapes() throws Exception {
        provider = SyntheticProvider.start(Optional.empty(), Duration.ZERO, clock::get);

        String polygon = get("/v2/aggs/ticker/AAPL/range/1/day/2023-01-09/2023-01-10?adjusted=true").body();
        String yahoo = get("/v8/finance/chart/AAPL?period1=1673222400&period2=1673395200&interval=1d").body();

        SyntheticBars.Day day = SyntheticBars.day("AAPL", LocalDate.of(2023, 1, 9));
        // 2023-01-09 00:00 New York = 05:00 UTC
        assertThat(polygon).startsWith("{\"ticker\":\"AAPL\",\"queryCount\":2,\"resultsCount\":2,\"adjusted\":true,\"results\":[{\"v\":" + day.volume())
                .contains("\"o\":" + day.open() + ",\"c\":" + day.close(), "\"t\":1673240400000");
        // 2023-01-09 09:30 New York = 14:30 UTC
        assertThat(yahoo).contains("\"timestamp\":[1673274600,1673361000]", "\"open\":[" + day.open() + ",", "\"exchangeTimezoneName\":\"America/New_York\"");
        assertThat(provider.requests()).isEqualTo(2);
    }
}
