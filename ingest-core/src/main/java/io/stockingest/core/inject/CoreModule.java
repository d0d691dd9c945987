package io.stockingest.core.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.http.Ticker;

/** Binds what every run needs: the clock, the calendar and the (possibly empty) plugin registries. */
public final class CoreModule extends AbstractModule {
    private final Ticker ticker;

    public CoreModule() {
        this(Ticker.SYSTEM);
    }

    public CoreModule(Ticker ticker) {
        this.ticker = ticker;
    }

    @Override
    protected void configure() {
        bind(Ticker.class).toInstance(ticker);
        IngestBinder.sources(binder());
        IngestBinder.sinks(binder());
        bind(Plugins.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    NyseCalendar calendar() {
        return NyseCalendar.instance();
    }

    @Provides
    @Singleton
    Calendars calendars() {
        return Calendars.standard();
    }
}
