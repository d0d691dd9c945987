package io.stockingest.sink.postgres;

import com.google.inject.AbstractModule;
import io.stockingest.core.inject.IngestBinder;

/** Registers the {@code postgres} sink. */
public final class PostgresSinkModule extends AbstractModule {
    @Override
    protected void configure() {
        IngestBinder.sinks(binder()).addBinding("postgres").to(PostgresSinkFactory.class);
    }
}
