package io.stockingest.sink.s3;

import com.google.inject.AbstractModule;
import io.stockingest.core.inject.IngestBinder;

/** Registers the lake sink for {@code parquet:} URIs. */
public final class LakeSinkModule extends AbstractModule {
    @Override
    protected void configure() {
        IngestBinder.sinks(binder()).addBinding("parquet").to(LakeSinkFactory.class);
    }
}
