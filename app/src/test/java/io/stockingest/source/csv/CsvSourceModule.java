package io.stockingest.source.csv;

import com.google.inject.AbstractModule;
import io.stockingest.core.inject.IngestBinder;

/** Registers the {@code csv} source: {@code --source csv}. */
public final class CsvSourceModule extends AbstractModule {
    @Override
    protected void configure() {
        IngestBinder.sources(binder()).addBinding("csv").to(CsvSourceFactory.class);
    }
}
