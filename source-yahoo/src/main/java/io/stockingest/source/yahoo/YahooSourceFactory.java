package io.stockingest.source.yahoo;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.model.SymbolSpelling;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.SourceFactory;
import jakarta.inject.Inject;

/** Builds a {@link YahooSource} with its own rate-limited, retrying transport. */
public final class YahooSourceFactory implements SourceFactory {
    private final Ticker ticker;
    private final NyseCalendar calendar;

    @Inject
    public YahooSourceFactory(Ticker ticker, NyseCalendar calendar) {
        this.ticker = requireNonNull(ticker, "ticker is null");
        this.calendar = requireNonNull(calendar, "calendar is null");
    }

    @Override
    public Source create(Settings settings) {
        YahooConfig config = YahooConfig.from(settings);
        var endpoint = config.endpoint();
        return new YahooSource(endpoint, endpoint.transport(ticker), calendar, ticker, config.breakerThreshold(), config.cookieUrl());
    }

    @Override
    public SymbolSpelling spelling() {
        return YahooSource.SPELLING;
    }
}
