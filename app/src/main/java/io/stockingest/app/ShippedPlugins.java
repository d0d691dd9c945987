package io.stockingest.app;

import com.google.inject.Module;
import io.stockingest.sink.iceberg.IcebergSinkModule;
import io.stockingest.sink.postgres.PostgresSinkModule;
import io.stockingest.sink.s3.LakeSinkModule;
import io.stockingest.sink.snowflake.SnowflakeSinkModule;
import io.stockingest.source.fmp.FmpSourceModule;
import io.stockingest.source.polygon.PolygonSourceModule;
import io.stockingest.source.yahoo.YahooSourceModule;
import java.util.List;

/**
 * The plugin modules the fat jar ships: the one place {@code app} names a source or sink module. Every one is
 * installed; each registers its factories by name ({@code IngestBinder}) and declares the rest (schemes, examples,
 * capabilities) on them, so commands reach plugins only through {@code Plugins} and the capabilities of
 * {@code ingest-core}. A new plugin is its module, one line here and one dependency in {@code app/pom.xml}
 * (docs/extending.md).
 */
final class ShippedPlugins {
    private ShippedPlugins() {}

    static List<Module> modules() {
        return List.of(
                new YahooSourceModule(),
                new PolygonSourceModule(),
                new FmpSourceModule(),
                new LakeSinkModule(),
                new PostgresSinkModule(),
                new SnowflakeSinkModule(),
                new IcebergSinkModule());
    }
}
