package io.stockingest.core.inject;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.Capability;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.SinkFactory;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.SourceFactory;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one registry of plugins: the sources by name and the sinks by name, each sink claiming its URI schemes
 * ({@link SinkFactory#schemes}), as the installed Guice modules registered them through {@link IngestBinder}. Looks
 * them up with plain errors for unknown names, built from what the plugins declare. Names no plugin itself.
 * Immutable and thread-safe.
 */
public final class Plugins {
    private final SortedMap<String, SourceFactory> sources;
    private final SortedMap<String, SinkFactory> sinks;

    /**
     * @throws IllegalArgumentException when two sink plugins claim the same scheme
     */
    @Inject
    public Plugins(Map<String, SourceFactory> sources, Map<String, SinkFactory> sinks) {
        this.sources = Collections.unmodifiableSortedMap(new TreeMap<>(requireNonNull(sources, "sources is null")));
        this.sinks = Collections.unmodifiableSortedMap(new TreeMap<>(requireNonNull(sinks, "sinks is null")));
        Map<String, String> owners = new TreeMap<>();
        this.sinks.forEach((name, factory) -> factory.schemes().forEach(scheme -> {
            String other = owners.put(scheme.toLowerCase(Locale.ROOT), name);
            if (other != null) {
                throw new IllegalArgumentException("Sink plugins '" + other + "' and '" + name + "' both claim the scheme '" + scheme + "'");
            }
        }));
    }

    /** The registered source plugins by name, sorted. */
    public SortedMap<String, SourceFactory> sources() {
        return sources;
    }

    /** The registered sink plugins by name, sorted. */
    public SortedMap<String, SinkFactory> sinks() {
        return sinks;
    }

    /** The source plugin called {@code name} (case-insensitive). */
    public SourceFactory sourcePlugin(String name) {
        SourceFactory factory = sources.get(name.toLowerCase(Locale.ROOT));
        if (factory == null) {
            throw new IngestException(ErrorKind.USAGE, "Unknown source '" + name + "' (known: " + String.join(", ", sources.keySet()) + ")");
        }
        return factory;
    }

    public Source source(String name, Settings settings) {
        return sourcePlugin(name).create(settings);
    }

    /** The sink plugin whose scheme {@code uri} has (the longest matching one), if any. */
    public Optional<SinkFactory> findSinkPlugin(String uri) {
        String lower = uri.strip().toLowerCase(Locale.ROOT);
        SinkFactory best = null;
        int bestLength = -1;
        for (SinkFactory factory : sinks.values()) {
            for (String scheme : factory.schemes()) {
                String claimed = scheme.toLowerCase(Locale.ROOT);
                if ((lower.equals(claimed) || lower.startsWith(claimed + ":")) && claimed.length() > bestLength) {
                    best = factory;
                    bestLength = claimed.length();
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The sink plugin for {@code uri}.
     *
     * @throws IngestException {@code USAGE} "Unknown sink 'ftp' (known: ...)" listing every plugin's examples
     */
    public SinkFactory sinkPlugin(String uri) {
        return findSinkPlugin(uri).orElseThrow(() -> {
            String lower = uri.strip().toLowerCase(Locale.ROOT);
            int colon = lower.indexOf(':');
            return new IngestException(ErrorKind.USAGE, "Unknown sink '" + (colon < 0 ? lower : lower.substring(0, colon)) + "' (known: "
                    + String.join(", ", sinks.values().stream().map(factory -> String.join(" or ", factory.examples())).toList()) + ")");
        });
    }

    public Sink sink(String uri, Settings settings) {
        return sinkPlugin(uri).create(uri, settings);
    }

    /** {@code type} as offered by the sink plugin of {@code uri}; empty when no plugin has that scheme or it does not offer it. */
    public <T extends Capability> Optional<T> sinkCapability(String uri, Class<T> type) {
        return findSinkPlugin(uri).flatMap(factory -> factory.capability(type));
    }

    /** The examples of every sink plugin that offers {@code type}, for messages such as "db works on ...". */
    public List<String> sinkExamples(Class<? extends Capability> type) {
        return sinks.values().stream().filter(factory -> factory.capability(type).isPresent()).flatMap(factory -> factory.examples().stream()).toList();
    }
}
