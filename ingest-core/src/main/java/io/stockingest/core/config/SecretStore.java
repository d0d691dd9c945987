package io.stockingest.core.config;

/**
 * Where a setting's value may live instead of in the environment: a setting whose value is
 * {@code SCHEME://REFERENCE} (e.g. {@code aws-sm://prod/stock-ingest#fmp_api_key}) is replaced, once per run, by
 * what the store of that scheme answers. Stores are found with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services} entry), not Guice: settings are read before any injector exists, since the injector is
 * built from them.
 *
 * <p>Implementations must be thread-safe; they are asked at most once per distinct reference in a run.
 */
public interface SecretStore {
    /** The URI scheme this store answers, e.g. {@code aws-sm}. */
    String scheme();

    /**
     * The value {@code reference} (the part after {@code scheme://}) names.
     *
     * @param settings the run's other settings (region, endpoint, credentials), with no reference resolved yet
     * @throws io.stockingest.core.IngestException of kind CONFIG, saying what could not be read and why (never
     *     the value), when the store refuses or lacks it
     */
    String resolve(String reference, Settings settings);
}
