package io.stockingest.source.fmp;

import com.google.inject.AbstractModule;
import io.stockingest.core.inject.IngestBinder;

/** Registers the {@code fmp} source. */
public final class FmpSourceModule extends AbstractModule {
    @Override
    protected void configure() {
        IngestBinder.sources(binder()).addBinding("fmp").to(FmpSourceFactory.class);
    }
}
