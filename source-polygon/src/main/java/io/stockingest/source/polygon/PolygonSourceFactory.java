package io.stockingest.source.polygon;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.ProviderEndpoint;
import io.stockingest.core.http.RetryPolicy;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.model.SymbolSpelling;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.SourceFactory;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * Builds a {@link PolygonSource} from {@link PolygonConfig}: one rate-limited ({@code POLYGON_RATE_LIMIT}, paging
 * requests included), retrying transport per run. Polygon sends no {@code Retry-After}, so a 429 waits at least one
 * rate-limit slot (12 s at the free plan's 5/min, at most a minute) before it is tried again.
 */
public final class PolygonSourceFactory implements SourceFactory {
    private static final Duration MAX_THROTTLE_DELAY = Duration.ofSeconds(60);
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
                config.timeout(), config.maxWorkers(), "stock-ingest");
        return new PolygonSource(new PolygonClient(config, endpoint.transport(ticker)), calendar, ticker);
    }

    static RetryPolicy retryPolicy(PolygonConfig config) {
        Duration slot = config.rateLimit().spacing();
        return RetryPolicy.DEFAULT.withThrottleDelay(slot.compareTo(MAX_THROTTLE_DELAY) > 0 ? MAX_THROTTLE_DELAY : slot);
    }

    @Override
    public SymbolSpelling spelling() {
        return PolygonClient.SPELLING;
    }
}
