package io.stockingest.core.inject;

import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;
import io.stockingest.core.spi.SinkFactory;
import io.stockingest.core.spi.SourceFactory;

/**
 * How plugin modules register themselves, by name:
 * {@code IngestBinder.sources(binder()).addBinding("fmp").to(FmpSourceFactory.class)} and
 * {@code IngestBinder.sinks(binder()).addBinding("postgres").to(PostgresSinkFactory.class)}. Everything else a plugin
 * declares (its URI schemes, examples for messages, symbol spelling, capabilities) is on its factory; {@link Plugins}
 * is the registry built from these bindings.
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
