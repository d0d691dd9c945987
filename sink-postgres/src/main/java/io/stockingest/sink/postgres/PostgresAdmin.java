package io.stockingest.sink.postgres;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.Secrets;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.StoredSessions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * {@code db migrate}, {@code db info} and the {@code prices --since-last} lookup. Thread-safe (stateless apart
 * from the configuration).
 */
public final class PostgresAdmin {
    private final PostgresConfig config;

    public PostgresAdmin(PostgresConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    public PostgresConfig config() {
        return config;
    }

    /** Applies pending migrations (creating the schema if needed); returns printable lines. */
    public List<String> migrate() {
        return migrate(null);
    }

    /** Migrates up to {@code target} (a version such as "1"), or to the latest when null. */
    public List<String> migrate(String target) {
        try {
            MigrateResult result = flyway(target).migrate();
            List<String> lines = new ArrayList<>();
            lines.add("Schema " + config.schema() + " on " + config.name() + ": applied " + result.migrationsExecuted
                    + " migration(s), now at version " + (result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion));
            result.migrations.forEach(m -> lines.add("  applied V" + m.version + " " + m.description + " (" + m.executionTime + " ms)"));
            return lines;
        } catch (RuntimeException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot migrate schema " + config.schema() + " on " + config.name() + ": "
                    + Secrets.redact(String.valueOf(e.getMessage())), e);
        }
    }

    /** One line per known migration: version, description, state, installed time. */
    public List<String> info() {
        try {
            List<String> lines = new ArrayList<>();
            lines.add(String.format("%-8s %-24s %-10s %s", "version", "description", "state", "installed_on"));
            for (MigrationInfo m : flyway(null).info().all()) {
                lines.add(String.format("%-8s %-24s %-10s %s", m.getVersion(), m.getDescription(), m.getState().getDisplayName(),
                        m.getInstalledOn() == null ? "" : m.getInstalledOn().toInstant()));
            }
            return lines;
        } catch (RuntimeException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read migration state of schema " + config.schema() + " on " + config.name() + ": "
                    + Secrets.redact(String.valueOf(e.getMessage())), e);
        }
    }

    /**
     * The last stored date per symbol for {@code interval} (daily: prices_daily; others: prices_intraday), for
     * {@code prices --since-last}: the app starts each symbol on the session after its date. Symbols with no
     * rows are absent from the map.
     */
    public Map<Symbol, LocalDate> lastStoredDates(Collection<Symbol> symbols, Interval interval) {
        String[] names = symbols.stream().map(Symbol::value).toArray(String[]::new);
        String sql = interval == Interval.D1
                ? "SELECT symbol, max(date) FROM prices_daily WHERE symbol = ANY(?) GROUP BY symbol"
                : "SELECT symbol, max(date) FROM prices_intraday WHERE symbol = ANY(?) AND interval = ? GROUP BY symbol";
        Map<Symbol, LocalDate> out = new TreeMap<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", names));
            if (interval != Interval.D1) {
                ps.setString(2, interval.code());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(new Symbol(rs.getString(1)), rs.getObject(2, LocalDate.class));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read the last stored dates from " + config.name() + ": " + Secrets.redact(e.getMessage()), e);
        }
    }

    /**
     * The dates in {@code range} stored per symbol for {@code interval}, in one query (daily: prices_daily; others:
     * prices_intraday); every symbol is a key.
     */
    public Map<Symbol, StoredSessions.Stored> storedSessions(Collection<Symbol> symbols, Interval interval, DateRange range) {
        String[] names = symbols.stream().map(Symbol::value).toArray(String[]::new);
        String sql = interval == Interval.D1
                ? "SELECT DISTINCT symbol, date FROM prices_daily WHERE symbol = ANY(?) AND date BETWEEN ? AND ?"
                : "SELECT DISTINCT symbol, date FROM prices_intraday WHERE symbol = ANY(?) AND date BETWEEN ? AND ? AND interval = ?";
        Map<Symbol, Set<LocalDate>> dates = new LinkedHashMap<>();
        symbols.forEach(symbol -> dates.put(symbol, new HashSet<>()));
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", names));
            ps.setObject(2, range.from());
            ps.setObject(3, range.to());
            if (interval != Interval.D1) {
                ps.setString(4, interval.code());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dates.computeIfAbsent(new Symbol(rs.getString(1)), s -> new HashSet<>()).add(rs.getObject(2, LocalDate.class));
                }
            }
        } catch (SQLException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read the stored sessions from " + config.name() + ": " + Secrets.redact(e.getMessage()), e);
        }
        Map<Symbol, StoredSessions.Stored> out = new LinkedHashMap<>();
        dates.forEach((symbol, held) -> out.put(symbol, new StoredSessions.Stored(held, Set.of())));
        return out;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(config.jdbcUrl(), config.connectionProperties());
    }

    private Flyway flyway(String target) {
        var conf = Flyway.configure()
                .dataSource(config.jdbcUrl(), config.user(), config.password())
                .schemas(config.schema())
                .defaultSchema(config.schema())
                .createSchemas(true)
                .locations("classpath:db/migration")
                .placeholders(Map.of("schema", config.schema()));
        if (target != null) {
            conf.target(target);
        }
        return conf.load();
    }
}
