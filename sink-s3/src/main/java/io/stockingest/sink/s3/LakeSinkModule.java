package io.stockingest.sink.s3;

import com.google.inject.AbstractModule;
import io.stockingest.core.inject.IngestBinder;

/**
 * Registers the lake sink: {@code parquet:DIR} (local directory) and {@code s3://BUCKET[/PREFIX]} (S3).
 */
public final class LakeSinkModule extends AbstractModule {
    @Override
    protected void configure() {
        IngestBinder.sinks(binder()).addBinding("parquet").to(LakeSinkFactory.class);
        IngestBinder.sinks(binder()).addBinding("s3").to(S3SinkFactory.class);
    }
}
