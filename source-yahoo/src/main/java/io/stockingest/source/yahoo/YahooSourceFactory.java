package io.stockingest.source.yahoo;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.SymbolSpelling;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.SourceFactory;
import jakarta.inject.Inject;
import java.util.Set;

/** Builds a {@link YahooSource} with its own rate-limited, retrying transport. */
public final class YahooSourceFactory implements SourceFactory {
    private final Ticker ticker;
    private final Calendars calendars;

    @Inject
    public YahooSourceFactory(Ticker ticker, Calendars calendars) {
        this.ticker = requireNonNull(ticker, "ticker is null");
        this.calendars = requireNonNull(calendars, "calendars is null");
    }

    @Override
    public Source create(Settings settings) {
        YahooConfig config = YahooConfig.from(settings);
        var endpoint = config.endpoint();
        return new YahooSource(endpoint, endpoint.transport(ticker), calendars, ticker, config.breakerThreshold(), config.cookieUrl());
    }

    @Override
    public SymbolSpelling spelling() {
        return YahooSource.SPELLING;
    }

    @Override
    public Set<Dataset> datasets() {
        return YahooSource.DATASETS;
    }
}
