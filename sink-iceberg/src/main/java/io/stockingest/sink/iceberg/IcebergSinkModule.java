package io.stockingest.sink.iceberg;

import com.google.inject.AbstractModule;
import io.stockingest.core.inject.IngestBinder;

/** Registers the Iceberg sink under the scheme {@code iceberg} ({@code iceberg:DIR} and {@code iceberg}). */
public final class IcebergSinkModule extends AbstractModule {
    @Override
    protected void configure() {
        IngestBinder.sinks(binder()).addBinding("iceberg").to(IcebergSinkFactory.class);
    }
}
