package io.stockingest.core.spi;

import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.SymbolSpelling;
import java.util.Optional;
import java.util.Set;

/**
 * A source plugin: creates a {@link Source} from the run's settings (problems are reported as {@code CONFIG}
 * errors). Registered under the name users select it by with
 * {@code IngestBinder.sources(binder()).addBinding("name").to(MySourceFactory.class)}. Stateless and thread-safe.
 */
public interface SourceFactory {
    Source create(Settings settings);

    /**
     * The datasets its sources provide ({@link Source#datasets()}), known without creating one (creating needs the
     * provider's key): a command picks its default source from them. Prices only, unless the plugin says more.
     */
    default Set<Dataset> datasets() {
        return Set.of(Dataset.PRICES);
    }

    /** How the provider writes a symbol in its requests and answers; its source spells symbols with it. */
    default SymbolSpelling spelling() {
        return SymbolSpelling.CANONICAL;
    }

    /** A capability this plugin offers without creating a source (see {@link Capability}). */
    default <T extends Capability> Optional<T> capability(Class<T> type) {
        return Capability.of(this, type);
    }
}
