package io.stockingest.source.yahoo;

import com.google.inject.AbstractModule;
import io.stockingest.core.inject.IngestBinder;

/** Registers the {@code yahoo} source. */
public final class YahooSourceModule extends AbstractModule {
    @Override
    protected void configure() {
        IngestBinder.sources(binder()).addBinding("yahoo").to(YahooSourceFactory.class);
    }
}
