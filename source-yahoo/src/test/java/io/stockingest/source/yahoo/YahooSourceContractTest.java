package io.stockingest.source.yahoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.http.ProviderEndpoint;
import io.stockingest.core.http.RateLimit;
import io.stockingest.core.http.RetryPolicy;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.Source;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.core.testkit.SourceContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/** Yahoo's chart endpoint under the source contract. Yahoo has no key: a refusal is {@code NOT_ENTITLED} (chart.error). */
class YahooSourceContractTest extends SourceContract {
    private static final DateRange RANGE = new DateRange(LocalDate.of(2020, 9, 1), LocalDate.of(2020, 11, 6));
    private static final String BODY = YahooSourceTest.fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json");

    @Override
    protected Source createSource(URI baseUri) {
        FakeTicker ticker = new FakeTicker(Instant.parse("2025-03-01T00:00:00Z"));
        ProviderEndpoint endpoint = new ProviderEndpoint("yahoo", baseUri, RateLimit.parse("1000/sec"),
                new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(1)), Duration.ofSeconds(5), 4,
                YahooConfig.DEFAULT_USER_AGENT);
        return new YahooSource(endpoint, endpoint.transport(ticker), NyseCalendar.instance(), ticker);
    }

    @Override
    protected Recording dailyBars() {
        return new Recording(Symbol.parse("AAPL"), RANGE, Reply.json(200, BODY),
                NyseCalendar.instance().sessions(RANGE.from(), RANGE.to()).stream().map(NyseCalendar.Session::date).toList());
    }

    @Override
    protected String dailyBarsPath(Symbol symbol, DateRange range) {
        return "/v8/finance/chart/" + symbol.yahoo();
    }

    @Override
    protected Reply withNullPrices(Recording recording, LocalDate date) {
        try {
            ObjectMapper json = new ObjectMapper();
            JsonNode root = json.readTree(BODY);
            JsonNode result = root.path("chart").path("result").get(0);
            JsonNode timestamps = result.path("timestamp");
            JsonNode quote = result.path("indicators").path("quote").get(0);
            for (int i = 0; i < timestamps.size(); i++) {
                if (Instant.ofEpochSecond(timestamps.get(i).asLong()).atZone(NyseCalendar.NEW_YORK).toLocalDate().equals(date)) {
                    for (String field : new String[] {"open", "high", "low", "close"}) {
                        ((ArrayNode) quote.path(field)).setNull(i);
                    }
                }
            }
            return Reply.json(200, json.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected Reply refusal(int status) {
        return Reply.json(status, "{\"chart\":{\"result\":null,\"error\":{\"code\":\"Unauthorized\",\"description\":\"Invalid Crumb\"}}}");
    }

    @Override
    protected ErrorKind refusalKind(int status) {
        return ErrorKind.NOT_ENTITLED;
    }
}
