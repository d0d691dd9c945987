package io.stockingest.sink.postgres;

import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.ReadOnlyAccess;
import io.stockingest.core.spi.SchemaAdmin;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.SinkFactory;
import io.stockingest.core.spi.StoredDates;
import io.stockingest.core.spi.TableExport;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;

/**
 * {@code --sink postgres} (uses DATABASE_URL) or {@code --sink postgresql://user:pass@host/db} (also {@code postgres://}
 * and {@code jdbc:postgresql:}). Offers, by URI: Flyway schema administration ({@code db migrate/info}), the last
 * stored date per symbol ({@code --since-last}), table export ({@code export}, csv/sql/parquet) and read-only access
 * ({@code serve}: read-only transactions, nothing migrated).
 */
public final class PostgresSinkFactory implements SinkFactory, SchemaAdmin, StoredDates, TableExport, ReadOnlyAccess {
    @Inject
    public PostgresSinkFactory() {}

    @Override
    public Set<String> schemes() {
        return Set.of("postgres", "postgresql", "jdbc:postgresql");
    }

    @Override
    public List<String> examples() {
        return List.of("postgres", "postgresql://...");
    }

    @Override
    public Sink create(String uri, Settings settings) {
        return new PostgresSink(PostgresConfig.from(uri, settings));
    }

    @Override
    public List<String> migrate(String uri, Settings settings) {
        return new PostgresAdmin(PostgresConfig.from(uri, settings)).migrate();
    }

    @Override
    public List<String> info(String uri, Settings settings) {
        return new PostgresAdmin(PostgresConfig.from(uri, settings)).info();
    }

    /** The pending Flyway migrations, read from the schema's history; nothing is applied. */
    @Override
    public Optional<List<String>> planMigration(String uri, Settings settings) {
        return Optional.of(new PostgresAdmin(PostgresConfig.from(uri, settings)).pendingMigrations());
    }

    @Override
    public Map<Symbol, LocalDate> lastStoredDates(String uri, Settings settings, Collection<Symbol> symbols, Interval interval) {
        return new PostgresAdmin(PostgresConfig.from(uri, settings)).lastStoredDates(symbols, interval);
    }

    @Override
    public long export(String uri, Settings settings, String table, String format, String where, Path out) {
        Exporter exporter = new Exporter(PostgresConfig.from(uri, settings));
        return exporter.export(table, Exporter.format(format), where, out);
    }

    @Override
    public SinkReader openReader(String uri, Settings settings) {
        return new PostgresReader(PostgresConfig.from(uri, settings));
    }
}
