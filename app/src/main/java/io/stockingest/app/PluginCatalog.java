package io.stockingest.app;

import com.google.inject.Module;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.inject.Plugins;
import io.stockingest.sink.iceberg.IcebergSinkModule;
import io.stockingest.sink.postgres.PostgresSinkModule;
import io.stockingest.sink.s3.LakeSinkModule;
import io.stockingest.sink.snowflake.SnowflakeSinkModule;
import io.stockingest.source.fmp.FmpSourceModule;
import io.stockingest.source.polygon.PolygonSourceModule;
import io.stockingest.source.yahoo.YahooSourceModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Every plugin module the fat jar holds, by the name users select it with. Only the selected ones are installed. */
final class PluginCatalog {
    private static final Map<String, Supplier<Module>> SOURCES = new TreeMap<>(Map.of(
            "yahoo", YahooSourceModule::new,
            "polygon", PolygonSourceModule::new,
            "fmp", FmpSourceModule::new));
    private static final Map<String, Supplier<Module>> SINKS = new TreeMap<>(Map.of(
            "parquet", LakeSinkModule::new,
            "s3", LakeSinkModule::new,
            "snowflake", SnowflakeSinkModule::new,
            "postgres", PostgresSinkModule::new,
            "iceberg", IcebergSinkModule::new));

    private PluginCatalog() {}

    /** The modules for one source and the given sink URIs; unknown names fail with the known ones listed. */
    static List<Module> modules(String source, List<String> sinkUris) {
        List<Module> modules = new ArrayList<>();
        Supplier<Module> sourceModule = SOURCES.get(source.toLowerCase(Locale.ROOT));
        if (sourceModule == null) {
            throw new IngestException(ErrorKind.USAGE, "Unknown source '" + source + "' (known: " + String.join(", ", SOURCES.keySet()) + ")");
        }
        modules.add(sourceModule.get());
        sinkUris.stream().map(Plugins::sinkScheme).distinct().forEach(scheme -> {
            Supplier<Module> sinkModule = SINKS.get(scheme);
            if (sinkModule == null) {
                throw new IngestException(ErrorKind.USAGE, "Unknown sink '" + scheme + "' (known: " + String.join(", ", SINKS.keySet().stream()
                        .map(PluginCatalog::example).toList()) + ")");
            }
            modules.add(sinkModule.get());
        });
        return modules;
    }

    private static String example(String scheme) {
        return switch (scheme) {
            case "parquet" -> "parquet:DIR";
            case "s3" -> "s3://BUCKET[/PREFIX]";
            case "postgres" -> "postgres or postgresql://...";
            case "iceberg" -> "iceberg:DIR or iceberg";
            default -> scheme;
        };
    }
}
