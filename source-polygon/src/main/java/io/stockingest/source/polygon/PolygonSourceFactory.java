package io.stockingest.source.polygon;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.ProviderEndpoint;
import io.stockingest.core.http.RetryPolicy;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.SymbolSpelling;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.SourceFactory;
import jakarta.inject.Inject;
import java.util.Set;

/**
 * Builds a {@link PolygonSource} from {@link PolygonConfig}: one rate-limited ({@code POLYGON_RATE_LIMIT}, paging
 * requests included), retrying transport per run. A 429 goes back through the rate limiter, which learns the rate
 * Polygon really allows (and honours {@code Retry-After} or rate headers when a gateway sends them).
 */
public final class PolygonSourceFactory implements SourceFactory {
    private final Ticker ticker;
    private final NyseCalendar calendar;

    @Inject
    public PolygonSourceFactory(Ticker ticker, NyseCalendar calendar) {
        this.ticker = requireNonNull(ticker, "ticker is null");
        this.calendar = requireNonNull(calendar, "calendar is null");
    }

    @Override
    public Source create(Settings settings) {
        PolygonConfig config = PolygonConfig.from(settings);
        return create(config, retryPolicy(config));
    }

    PolygonSource create(PolygonConfig config, RetryPolicy retryPolicy) {
        ProviderEndpoint endpoint = new ProviderEndpoint(PolygonClient.PROVIDER, config.baseUrl(), config.rateLimit(), retryPolicy,
                config.timeout(), config.maxWorkers(), "stock-ingest").withConnectTimeout(config.connectTimeout());
        return new PolygonSource(new PolygonClient(config, endpoint.transport(ticker)), calendar, ticker);
    }

    static RetryPolicy retryPolicy(PolygonConfig config) {
        return RetryPolicy.DEFAULT;
    }

    @Override
    public SymbolSpelling spelling() {
        return PolygonClient.SPELLING;
    }

    @Override
    public Set<Dataset> datasets() {
        return PolygonSource.DATASETS;
    }
}
