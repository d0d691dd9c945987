package io.stockingest.core.inject;

import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;
import io.stockingest.core.spi.SinkFactory;
import io.stockingest.core.spi.SourceFactory;

/**
 * How plugin modules register themselves: {@code IngestBinder.sources(binder()).addBinding("fmp").to(FmpSourceFactory.class)}
 * and {@code IngestBinder.sinks(binder()).addBinding("parquet").to(LakeSinkFactory.class)}. Sinks are keyed by the
 * scheme of their {@code --sink} URI (see {@link Plugins#sinkScheme}).
 */
public final class IngestBinder {
    private IngestBinder() {}

    public static MapBinder<String, SourceFactory> sources(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, SourceFactory.class);
    }

    public static MapBinder<String, SinkFactory> sinks(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, SinkFactory.class);
    }
}
