package io.stockingest.core.spi;

import io.stockingest.core.config.Settings;
import java.util.List;
import java.util.Optional;

/**
 * Schema administration of a database sink's target ({@code db migrate}, {@code db info}), by its {@code --sink}
 * URI. Each call connects, does its work and disconnects; the lines returned are printed as they are (no secret in
 * them). Failures are {@link io.stockingest.core.IngestException}s ({@code CONFIG} for missing settings,
 * {@code SINK} when the database refuses).
 */
public interface SchemaAdmin extends Capability {
    /** Brings the schema to the newest version; returns what was applied. */
    List<String> migrate(String uri, Settings settings);

    /** The schema's state: applied and pending versions. */
    List<String> info(String uri, Settings settings);

    /** The statements {@link #migrate} would run, without running them; empty when this target cannot list them. */
    default Optional<List<String>> planMigration(String uri, Settings settings) {
        return Optional.empty();
    }
}
