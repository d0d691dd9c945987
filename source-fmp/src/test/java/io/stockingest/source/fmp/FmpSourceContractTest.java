package io.stockingest.source.fmp;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.ProviderEndpoint;
import io.stockingest.core.http.RateLimit;
import io.stockingest.core.http.RetryPolicy;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.Source;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.core.testkit.SourceContract;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * FMP's stable daily endpoint under the source contract: 401 (here with FMP's recorded "Invalid API KEY" body) is
 * {@code AUTH}, any other 403 is {@code NOT_ENTITLED} (the plan lacks the endpoint), as {@link FmpClient} documents.
 */
class FmpSourceContractTest extends SourceContract {
    private static final String KEY = "fmp_contract_key_1a2b3c";
    private static final DateRange RANGE = new DateRange(LocalDate.of(2023, 1, 1), LocalDate.of(2023, 1, 10));
    private static final String BODY = FmpSourceTest.fixture("stable_historical-price-eod_full_AAPL_2023-01-01_2023-01-10.json");
    @TempDir
    Path dir;

    @Override
    protected Source createSource(URI baseUri) {
        FmpConfig config = FmpConfig.from(Settings.of(Map.of("FMP_API_KEY", KEY, "FMP_BASE_URL", baseUri.toString(),
                "FMP_USAGE_FILE", dir.resolve("fmp-calls.txt").toString())));
        ProviderEndpoint endpoint = new ProviderEndpoint("fmp", baseUri, RateLimit.parse("1000/sec"),
                new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(1)), Duration.ofSeconds(5), 4, "stock-ingest");
        return new FmpSourceFactory(new FakeTicker(Instant.parse("2025-03-01T00:00:00Z")), NyseCalendar.instance()).create(config, endpoint);
    }

    @Override
    protected Recording dailyBars() {
        return new Recording(Symbol.parse("AAPL"), RANGE, Reply.json(200, BODY), List.of(LocalDate.of(2023, 1, 3), LocalDate.of(2023, 1, 4),
                LocalDate.of(2023, 1, 5), LocalDate.of(2023, 1, 6), LocalDate.of(2023, 1, 9), LocalDate.of(2023, 1, 10)));
    }

    @Override
    protected String dailyBarsPath(Symbol symbol, DateRange range) {
        return "/stable/historical-price-eod/full";
    }

    @Override
    protected Reply withNullPrices(Recording recording, LocalDate date) {
        return withNullFields(BODY, "", row -> row.path("date").asText().equals(date.toString()), "open", "high", "low", "close");
    }

    @Override
    protected Reply refusal(int status) {
        return status == 401 ? Reply.json(401, FmpSourceTest.fixture("invalid_api_key_2021_http200.dcf-pr2.json"))
                : Reply.json(status, "{\"Error Message\":\"Exclusive Endpoint: This endpoint is not available under your current subscription\"}");
    }

    @Override
    protected ErrorKind refusalKind(int status) {
        return status == 401 ? ErrorKind.AUTH : ErrorKind.NOT_ENTITLED;
    }

    @Override
    protected String secret() {
        return KEY;
    }
}
