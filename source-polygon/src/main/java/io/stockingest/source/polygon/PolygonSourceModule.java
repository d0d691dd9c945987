package io.stockingest.source.polygon;

import com.google.inject.AbstractModule;
import io.stockingest.core.inject.IngestBinder;

/** Registers the {@code polygon} source. */
public final class PolygonSourceModule extends AbstractModule {
    @Override
    protected void configure() {
        IngestBinder.sources(binder()).addBinding(PolygonSource.NAME).to(PolygonSourceFactory.class);
    }
}
