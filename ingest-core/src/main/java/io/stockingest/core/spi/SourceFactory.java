package io.stockingest.core.spi;

import io.stockingest.core.config.Settings;

/** Creates a {@link Source} from the run's settings; problems are reported as {@code CONFIG} errors. */
public interface SourceFactory {
    Source create(Settings settings);
}
