package io.stockingest.sink.postgres;

import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.SinkFactory;
import jakarta.inject.Inject;

/** {@code --sink postgres} (uses DATABASE_URL) or {@code --sink postgresql://user:pass@host/db}. */
public final class PostgresSinkFactory implements SinkFactory {
    @Inject
    public PostgresSinkFactory() {}

    @Override
    public Sink create(String uri, Settings settings) {
        return new PostgresSink(PostgresConfig.from(uri, settings));
    }
}
