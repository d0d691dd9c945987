package io.stockingest.sink.iceberg;

import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.SinkFactory;

/** {@code --sink iceberg:DIR} (embedded SQLite catalog and local warehouse) or {@code --sink iceberg} ({@code ICEBERG_*}); see {@link IcebergConfig}. */
public final class IcebergSinkFactory implements SinkFactory {
    @Override
    public Sink create(String uri, Settings settings) {
        return IcebergSink.open(IcebergConfig.from(uri, settings), settings);
    }
}
