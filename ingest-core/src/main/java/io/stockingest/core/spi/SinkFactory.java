package io.stockingest.core.spi;

import io.stockingest.core.config.Settings;

/** Creates a {@link Sink} for a {@code --sink} URI (its scheme picks the factory). */
public interface SinkFactory {
    Sink create(String uri, Settings settings);
}
