package io.stockingest.source.polygon;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.Source;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.core.testkit.SourceContract;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Polygon's range aggregates under the source contract: 401 (the recorded "API Key was not provided") is
 * {@code AUTH}; 403 ({@code NOT_AUTHORIZED}, recorded: the plan lacks the timeframe) is {@code NOT_ENTITLED}, as
 * {@link PolygonClient} documents. A missing price is NaN, which the validator quarantines.
 */
class PolygonSourceContractTest extends SourceContract {
    private static final String KEY = "pk_contract_key_0f1e2d3c";
    private static final DateRange RANGE = new DateRange(LocalDate.of(2005, 4, 1), LocalDate.of(2005, 4, 4));
    private static final String BODY = PolygonSourceTest.fixture("aggs_AAPL_1_day_2005-04-01_2005-04-04.client-python-mock.json");

    @Override
    protected Source createSource(URI baseUri) {
        return new PolygonSourceFactory(new FakeTicker(Instant.parse("2024-09-30T21:00:00Z")), NyseCalendar.instance())
                .create(Settings.of(Map.of("POLYGON_API_KEY", KEY, "POLYGON_BASE_URL", baseUri.toString(), "POLYGON_RATE_LIMIT", "1000/sec")));
    }

    @Override
    protected Recording dailyBars() {
        return new Recording(Symbol.parse("AAPL"), RANGE, Reply.json(200, BODY), List.of(LocalDate.of(2005, 4, 1), LocalDate.of(2005, 4, 4)));
    }

    @Override
    protected String dailyBarsPath(Symbol symbol, DateRange range) {
        return "/v2/aggs/ticker/" + symbol.polygon() + "/range/1/day/" + range.from() + "/" + range.to();
    }

    @Override
    protected Reply withNullPrices(Recording recording, LocalDate date) {
        return withNullFields(BODY, "/results", row -> Instant.ofEpochMilli(row.path("t").asLong()).atZone(NyseCalendar.NEW_YORK).toLocalDate().equals(date),
                "o", "h", "l", "c");
    }

    @Override
    protected Reply refusal(int status) {
        return Reply.json(status, PolygonSourceTest.fixture(status == 401 ? "error_api_key_not_provided.issue219.json"
                : "http403_not_authorized_plan_timeframe.issue313.json"));
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
