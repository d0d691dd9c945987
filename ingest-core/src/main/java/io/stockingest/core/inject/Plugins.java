package io.stockingest.core.inject;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.SinkFactory;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.SourceFactory;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** The registered sources and sinks, looked up by name, with plain errors for unknown names. */
public final class Plugins {
    private final Map<String, SourceFactory> sources;
    private final Map<String, SinkFactory> sinks;

    @Inject
    public Plugins(Map<String, SourceFactory> sources, Map<String, SinkFactory> sinks) {
        this.sources = Map.copyOf(requireNonNull(sources, "sources is null"));
        this.sinks = Map.copyOf(requireNonNull(sinks, "sinks is null"));
    }

    public Source source(String name, Settings settings) {
        SourceFactory factory = sources.get(name.toLowerCase(Locale.ROOT));
        if (factory == null) {
            throw new IngestException(ErrorKind.USAGE, "Unknown source '" + name + "' (known: " + String.join(", ", new TreeSet<>(sources.keySet())) + ")");
        }
        return factory.create(settings);
    }

    public Sink sink(String uri, Settings settings) {
        String scheme = sinkScheme(uri);
        SinkFactory factory = sinks.get(scheme);
        if (factory == null) {
            throw new IngestException(ErrorKind.USAGE, "Unknown sink '" + uri + "' (known: parquet:DIR, s3://BUCKET[/PREFIX], postgres, postgresql://..., snowflake, iceberg:DIR, iceberg; installed: "
                    + String.join(", ", new TreeSet<>(sinks.keySet())) + ")");
        }
        return factory.create(uri, settings);
    }

    /** {@code parquet:./data} → parquet, {@code s3://b/p} → s3, {@code postgresql://...} and {@code postgres} → postgres. */
    public static String sinkScheme(String uri) {
        String lower = uri.strip().toLowerCase(Locale.ROOT);
        if (lower.startsWith("postgresql:") || lower.startsWith("jdbc:postgresql:") || lower.equals("postgres") || lower.startsWith("postgres:")) {
            return "postgres";
        }
        int colon = lower.indexOf(':');
        return colon < 0 ? lower : lower.substring(0, colon);
    }
}
