package io.stockingest.sink.snowflake;

import com.google.inject.AbstractModule;
import io.stockingest.core.inject.IngestBinder;

/** Registers the Snowflake sink for {@code --sink snowflake}. */
public final class SnowflakeSinkModule extends AbstractModule {
    @Override
    protected void configure() {
        IngestBinder.sinks(binder()).addBinding("snowflake").to(SnowflakeSinkFactory.class);
    }
}
