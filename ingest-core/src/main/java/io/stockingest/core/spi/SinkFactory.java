package io.stockingest.core.spi;

import io.stockingest.core.config.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A sink plugin: creates a {@link Sink} for a {@code --sink} URI, and says which URIs are its own. Registered under
 * its name with {@code IngestBinder.sinks(binder()).addBinding("name").to(MySinkFactory.class)}; the registry
 * ({@link io.stockingest.core.inject.Plugins}) picks the factory whose {@linkplain #schemes scheme} a URI has.
 * Implementations are stateless and thread-safe; creating a sink should not connect (the first write does).
 */
public interface SinkFactory {
    /**
     * The URI schemes this plugin answers to, lower case: a {@code --sink} value is this plugin's when it equals a
     * scheme or starts with the scheme and {@code ':'} (case-insensitive; the longest matching scheme of all
     * plugins wins), e.g. {@code postgres}, {@code postgresql}, {@code jdbc:postgresql}.
     */
    Set<String> schemes();

    /** How to write a URI for this plugin, for help and error messages, e.g. {@code parquet:DIR}. */
    List<String> examples();

    Sink create(String uri, Settings settings);

    /**
     * {@code uri} with any relative location in it resolved against the command's working directory (a local lake
     * directory, say); the default leaves it as it is.
     */
    default String resolve(String uri, Path workingDirectory) {
        return uri;
    }

    /** A capability this plugin offers on a target by its URI, without opening a sink (see {@link Capability}). */
    default <T extends Capability> Optional<T> capability(Class<T> type) {
        return Capability.of(this, type);
    }
}
