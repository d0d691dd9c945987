package io.stockingest.sink.iceberg;

import io.stockingest.core.config.Settings;
import java.util.Map;

/** The sink on the embedded catalog of {@code --sink iceberg:DIR}: SQLite file and local warehouse in DIR. */
class SqliteCatalogSinkTest extends AbstractIcebergSinkTest {
    @Override
    IcebergConfig config() {
        return IcebergConfig.from("iceberg:" + dir.resolve("ice"), Settings.of(Map.of()));
    }
}
