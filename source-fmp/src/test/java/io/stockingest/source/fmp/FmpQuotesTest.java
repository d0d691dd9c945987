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
import io.stockingest.core.model.Quote;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live quotes from {@code /stable/quote}, replaying OpenBB's recorded FMP answer. */
class FmpQuotesTest {
    private static final String KEY = "fmp_quotes_test_key_1a2b3c";
    private static final String PREMIUM_402 = "Premium Query Parameter: 'Special Endpoint : This value set for 'symbol' is not available under your "
            + "current subscription please visit our subscription page to upgrade your plan at https://site.financialmodelingprep.com/developer/docs/pricing'";
    private final FixtureServer server = new FixtureServer();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        server.close();
    }

    private FmpSource source() {
        FmpConfig config = FmpConfig.from(Settings.of(Map.of("FMP_API_KEY", KEY, "FMP_BASE_URL", server.baseUri().toString(),
                "FMP_USAGE_FILE", dir.resolve("fmp-calls.txt").toString(), "FMP_PLAN", "starter")));
        ProviderEndpoint endpoint = new ProviderEndpoint("fmp", server.baseUri(), RateLimit.parse("1000/sec"),
                new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(250)), Duration.ofSeconds(5), 4, "stock-ingest");
        return new FmpSourceFactory(new FakeTicker(Instant.parse("2025-09-23T17:00:00Z")), NyseCalendar.instance()).create(config, endpoint);
    }

    @Test
    void mapsTheRecordedQuoteExactly() {
        server.on(FmpQuotes.PATH, Reply.json(200, FmpSourceTest.fixture("stable_quote_AAPL.json")));

        try (FmpSource source = source()) {
            List<Quote> quotes = source.fetchQuotes(List.of(Symbol.parse("AAPL")));

            // timestamp 1758648182 = 2025-09-23T17:23:02Z; FMP sends no bid/ask/market state
            assertThat(quotes).containsExactly(new Quote(Symbol.parse("AAPL"), Instant.parse("2025-09-23T17:23:02Z"), 254.86, null, null,
                    32_409_702L, 255.875, 257.34, 254.4, 256.08, null, "fmp"));
        }
        assertThat(server.requests()).singleElement().satisfies(request -> {
            assertThat(FixtureServer.query(request)).containsExactlyInAnyOrderEntriesOf(Map.of("symbol", "AAPL", "apikey", KEY));
        });
    }

    @Test
    void oneCallPerSymbolInFmpSpellingAndUnknownSymbolsAreLeftOut() {
        server.on(FmpQuotes.PATH, Reply.json(200, "[]"), Reply.json(200, FmpSourceTest.fixture("stable_quote_AAPL.json")));

        try (FmpSource source = source()) {
            assertThat(source.fetchQuotes(List.of(Symbol.parse("BRK.B"), Symbol.parse("AAPL")))).extracting(Quote::symbol, Quote::price)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(Symbol.parse("AAPL"), 254.86));
        }
        assertThat(server.requests()).extracting(r -> FixtureServer.query(r).get("symbol")).containsExactly("BRK-B", "AAPL");
    }

    @Test
    void aSymbolThePlanRefusesIsLeftOutWhenOthersAreServed() {
        server.on(FmpQuotes.PATH, Reply.text(402, PREMIUM_402), Reply.json(200, FmpSourceTest.fixture("stable_quote_AAPL.json")));

        try (FmpSource source = source()) {
            assertThat(source.fetchQuotes(List.of(Symbol.parse("TSM"), Symbol.parse("AAPL")))).extracting(Quote::symbol)
                    .containsExactly(Symbol.parse("AAPL"));
        }
    }

    @Test
    void aPlanThatRefusesEverySymbolIsNotEntitledWithFmpsWords() {
        server.on(FmpQuotes.PATH, Reply.text(402, PREMIUM_402));

        try (FmpSource source = source()) {
            assertThatThrownBy(() -> source.fetchQuotes(List.of(Symbol.parse("AAPL"), Symbol.parse("MSFT"))))
                    .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_ENTITLED))
                    .hasMessageStartingWith("Cannot fetch the quotes of AAPL,MSFT from fmp: the plan (FMP_PLAN=starter) refused every symbol; first answer: "
                            + "Cannot fetch the quote of AAPL from fmp: not in your FMP plan (HTTP 402 'Premium Query Parameter: 'Special Endpoint")
                    .hasMessageNotContaining(KEY);
        }
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void aQuoteWithATimeJavaTimeCannotDateIsLeftOut() throws Exception {
        var row = FmpClient.JSON.readTree("{\"symbol\": \"AAPL\", \"price\": 254.86, \"timestamp\": 9223372036854775807}");
        assertThat(FmpQuotes.quote(Symbol.parse("AAPL"), row)).isEmpty();
        var fine = FmpClient.JSON.readTree("{\"symbol\": \"AAPL\", \"price\": 254.86, \"timestamp\": 1758648182}");
        assertThat(FmpQuotes.quote(Symbol.parse("AAPL"), fine)).get().extracting(Quote::time).isEqualTo(Instant.ofEpochSecond(1758648182));
    }

    @Test
    void aRejectedKeyFailsAtOnceAsAuth() {
        server.on(FmpQuotes.PATH, Reply.json(401, "{\"Error Message\": \"Invalid API KEY. Feel free to create a Free API Key.\"}"));

        try (FmpSource source = source()) {
            assertThatThrownBy(() -> source.fetchQuotes(List.of(Symbol.parse("AAPL"), Symbol.parse("MSFT"))))
                    .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.AUTH))
                    .hasMessageContaining("check FMP_API_KEY");
        }
        assertThat(server.requests()).hasSize(1);
    }
}
