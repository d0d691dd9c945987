package io.stockingest.source.fmp;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.ProviderEndpoint;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.SymbolSpelling;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.SourceFactory;
import jakarta.inject.Inject;
import java.util.Set;

/** Builds an {@link FmpSource} from {@link FmpConfig} with its own rate-limited, retrying transport. */
public final class FmpSourceFactory implements SourceFactory {
    private final Ticker ticker;
    private final NyseCalendar calendar;

    @Inject
    public FmpSourceFactory(Ticker ticker, NyseCalendar calendar) {
        this.ticker = requireNonNull(ticker, "ticker is null");
        this.calendar = requireNonNull(calendar, "calendar is null");
    }

    @Override
    public Source create(Settings settings) {
        FmpConfig config = FmpConfig.from(settings);
        return create(config, config.endpoint());
    }

    FmpSource create(FmpConfig config, ProviderEndpoint endpoint) {
        DailyCallCounter counter = config.dailyBudget().isPresent()
                ? DailyCallCounter.inFile(config.usageFile(), ticker)
                : DailyCallCounter.inMemory(ticker);
        return new FmpSource(new FmpClient(config, endpoint, endpoint.transport(ticker), counter), calendar, ticker);
    }

    @Override
    public SymbolSpelling spelling() {
        return FmpClient.SPELLING;
    }

    @Override
    public Set<Dataset> datasets() {
        return FmpSource.DATASETS;
    }
}
