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
import org.flywaydb.core.api.MigrationInfoService;
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

    /**
     * The newest migration in {@code db/migration} (V{N}__*.sql) this program carries; a test checks it against the
     * files. A schema whose history ends at it, every migration successful, has nothing to migrate.
     */
    static final int LATEST_VERSION = 11;

    /**
     * Connects and checks the rights a run needs, before it fetches anything: the server is reachable, the
     * credentials are accepted, the schema exists and the user may use it, and (with {@code migrate}) the user may
     * create what the migrations create (the schema, on the database; the tables, in a schema not yet migrated).
     *
     * Then, on the same connection, whether the schema's migration history ends at {@link #LATEST_VERSION} with every
     * migration applied successfully: then the run needs no Flyway (which takes about a second to scan, validate and
     * lock on every start). Anything else (no history, a pending, failed or newer migration) is left to {@link #migrate}.
     *
     * @return whether the schema is at {@link #LATEST_VERSION}, nothing failed or newer
     * @throws IngestException {@link ErrorKind#CONFIG} naming the database (no password) and the problem
     */
    public boolean checkUpToDate(boolean migrate) {
        String sql = "SELECT n.oid IS NOT NULL, coalesce(has_schema_privilege(n.oid, 'USAGE'), false),"
                + " coalesce(has_schema_privilege(n.oid, 'CREATE'), false), has_database_privilege(current_database(), 'CREATE'), current_user,"
                // the catalogue, not to_regclass: that needs USAGE on the schema, which is what is being checked
                + " EXISTS (SELECT 1 FROM pg_class t WHERE t.relnamespace = n.oid AND t.relname = 'flyway_schema_history')"
                + " FROM (SELECT 1) one LEFT JOIN pg_namespace n ON n.nspname = ?";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, config.schema());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                boolean exists = rs.getBoolean(1);
                String user = rs.getString(5);
                String schema = config.schema();
                if (!exists && !migrate) {
                    throw unusable("schema " + schema + " does not exist (run 'stock-ingest db migrate', or leave PG_MIGRATE=true)");
                }
                if (!exists && !rs.getBoolean(4)) {
                    throw unusable("user " + user + " may not create schema " + schema + " (GRANT CREATE ON DATABASE to it, or create the schema)");
                }
                if (exists && !rs.getBoolean(2)) {
                    throw unusable("user " + user + " has no rights on schema " + schema + " (GRANT USAGE ON SCHEMA " + schema + " to it)");
                }
                if (exists && migrate && !rs.getBoolean(6) && !rs.getBoolean(3)) {
                    throw unusable("user " + user + " may not create tables in schema " + schema + " (GRANT CREATE ON SCHEMA " + schema + " to it)");
                }
                if (!exists || !rs.getBoolean(6)) {
                    return false;
                }
            }
            // the schema name is a plain lower-case identifier (PostgresConfig checks it)
            try (PreparedStatement history = c.prepareStatement("SELECT bool_and(success), count(*) FILTER (WHERE version = ?),"
                    + " count(*) FILTER (WHERE version ~ '^[0-9]+$' AND version::numeric > ?) FROM " + config.schema() + ".flyway_schema_history");
                    ResultSet rs = bindLatest(history).executeQuery()) {
                rs.next();
                return rs.getBoolean(1) && rs.getLong(2) == 1 && rs.getLong(3) == 0;
            }
        } catch (SQLException e) {
            throw failure("reach", e);
        }
    }

    private static PreparedStatement bindLatest(PreparedStatement ps) throws SQLException {
        ps.setString(1, Integer.toString(LATEST_VERSION));
        ps.setInt(2, LATEST_VERSION);
        return ps;
    }

    private IngestException unusable(String why) {
        return new IngestException(ErrorKind.CONFIG, "Cannot use " + config.name() + ": " + why);
    }

    /**
     * A connection or rights problem (SQLState class 08 connection, 28 authorization, 3D000 unknown database, 42501
     * insufficient privilege) is the configuration's ({@link ErrorKind#CONFIG}, exit 2); anything else a
     * {@link ErrorKind#SINK} failure.
     */
    private IngestException failure(String action, Throwable e) {
        String state = null;
        for (Throwable t = e; t != null && state == null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                state = sql.getSQLState();
            }
        }
        boolean configuration = state != null && (state.startsWith("08") || state.startsWith("28") || state.equals("3D000") || state.equals("42501"));
        String why = state != null && state.startsWith("28") ? "the server refused the credentials"
                : state != null && state.startsWith("08") ? "cannot connect"
                : state != null && state.equals("42501") ? "permission denied" : null;
        String message = "Cannot " + action + " " + config.name() + ": " + (why == null ? "" : why + " (SQLState " + state + "): ")
                + Secrets.redact(String.valueOf(e.getMessage()));
        return new IngestException(configuration ? ErrorKind.CONFIG : ErrorKind.SINK, message, e);
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
            throw failure("migrate schema " + config.schema() + " on", e);
        }
    }

    /**
     * The migrations {@link #migrate} would apply, without applying them (nor creating the schema): {@code db migrate
     * --dry-run}. Connects and reads the schema's history.
     */
    public List<String> pendingMigrations() {
        try {
            MigrationInfoService info = flyway(null).info();
            MigrationInfo current = info.current();
            MigrationInfo[] pending = info.pending();
            List<String> lines = new ArrayList<>();
            lines.add("Schema " + config.schema() + " on " + config.name() + ": at version " + (current == null ? "none" : current.getVersion())
                    + ", " + pending.length + " pending migration(s); dry run, nothing applied" + (pending.length == 0 ? "" : ":"));
            for (MigrationInfo m : pending) {
                lines.add("  would apply V" + m.getVersion() + " " + m.getDescription() + " (" + m.getScript() + ")");
            }
            return lines;
        } catch (RuntimeException e) {
            throw failure("read the migration state of schema " + config.schema() + " on", e);
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
     * The dates in {@code range} stored per symbol for {@code interval}, in one query (daily: {@link #storedDays}; others:
     * prices_intraday); every symbol is a key.
     */
    public Map<Symbol, StoredSessions.Stored> storedSessions(Collection<Symbol> symbols, Interval interval, DateRange range) {
        if (interval == Interval.D1) {
            return storedDays(symbols, range);
        }
        String[] names = symbols.stream().map(Symbol::value).toArray(String[]::new);
        String sql = "SELECT DISTINCT symbol, date FROM prices_intraday WHERE symbol = ANY(?) AND date BETWEEN ? AND ? AND interval = ?";
        Map<Symbol, Set<LocalDate>> dates = new LinkedHashMap<>();
        symbols.forEach(symbol -> dates.put(symbol, new HashSet<>()));
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", names));
            ps.setObject(2, range.from());
            ps.setObject(3, range.to());
            ps.setString(4, interval.code());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dates.computeIfAbsent(new Symbol(rs.getString(1)), s -> new HashSet<>()).add(rs.getObject(2, LocalDate.class));
                }
            }
        } catch (SQLException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read the stored sessions from " + config.name() + ": " + Secrets.redact(e.getMessage()), e);
        }
        Map<Symbol, StoredSessions.Stored> out = new LinkedHashMap<>();
        dates.forEach((symbol, held) -> out.put(symbol, new StoredSessions.Stored(held)));
        return out;
    }

    /**
     * The daily sessions in {@code range} per symbol, from {@code prices_daily_months} (V11's {@code days}: one row per
     * symbol and month, its stored days as bits; exact at every commit, in the same transaction as the price rows):
     * the same dates as a query of {@code prices_daily}, from 60,000 rows instead of 1.26 M for 1,000 symbols x 5 years.
     */
    Map<Symbol, StoredSessions.Stored> storedDays(Collection<Symbol> symbols, DateRange range) {
        String sql = "SELECT symbol, extract(year FROM month)::int, extract(month FROM month)::int, days FROM prices_daily_months"
                + " WHERE symbol = ANY(?) AND month BETWEEN date_trunc('month', ?::date)::date AND ?";
        Map<Symbol, Set<LocalDate>> dates = new LinkedHashMap<>();
        Map<String, Set<LocalDate>> byName = new java.util.HashMap<>();
        for (Symbol symbol : symbols) {
            Set<LocalDate> held = dates.computeIfAbsent(symbol, s -> new HashSet<>());
            byName.put(symbol.value(), held);
        }
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", byName.keySet().toArray(String[]::new)));
            ps.setObject(2, range.from());
            ps.setObject(3, range.to());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Set<LocalDate> held = byName.get(rs.getString(1));
                    int year = rs.getInt(2);
                    int month = rs.getInt(3);
                    for (int days = rs.getInt(4); days != 0; days &= days - 1) {
                        LocalDate date = LocalDate.of(year, month, Integer.numberOfTrailingZeros(days) + 1);
                        if (!date.isBefore(range.from()) && !date.isAfter(range.to())) {
                            held.add(date);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read the stored sessions from " + config.name() + ": " + Secrets.redact(e.getMessage()), e);
        }
        Map<Symbol, StoredSessions.Stored> out = new LinkedHashMap<>();
        dates.forEach((symbol, held) -> out.put(symbol, new StoredSessions.Stored(held)));
        return out;
    }

    /** The dates in {@code range} of {@code prices_daily} per symbol, read from the rows (the oracle of {@link #storedDays}'s tests). */
    Map<Symbol, Set<LocalDate>> storedDatesFromRows(Collection<Symbol> symbols, DateRange range) throws SQLException {
        Map<Symbol, Set<LocalDate>> dates = new LinkedHashMap<>();
        symbols.forEach(symbol -> dates.put(symbol, new HashSet<>()));
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT symbol, date FROM prices_daily WHERE symbol = ANY(?) AND date BETWEEN ? AND ?")) {
            ps.setArray(1, c.createArrayOf("text", symbols.stream().map(Symbol::value).toArray(String[]::new)));
            ps.setObject(2, range.from());
            ps.setObject(3, range.to());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dates.get(new Symbol(rs.getString(1))).add(rs.getObject(2, LocalDate.class));
                }
            }
        }
        return dates;
    }

    /** The sessions in {@code range} recorded as checked per symbol for {@code interval} (table checked_sessions, V8), in one query. */
    public Map<Symbol, Map<LocalDate, StoredSessions.Checked>> checkedSessions(Collection<Symbol> symbols, Interval interval, DateRange range) {
        Map<Symbol, Map<LocalDate, StoredSessions.Checked>> checked = new LinkedHashMap<>();
        symbols.forEach(symbol -> checked.put(symbol, new java.util.HashMap<>()));
        String sql = "SELECT symbol, date, reason FROM checked_sessions WHERE symbol = ANY(?) AND interval = ? AND date BETWEEN ? AND ?";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", symbols.stream().map(Symbol::value).toArray(String[]::new)));
            ps.setString(2, interval.code());
            ps.setObject(3, range.from());
            ps.setObject(4, range.to());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    checked.computeIfAbsent(new Symbol(rs.getString(1)), s -> new java.util.HashMap<>())
                            .put(rs.getObject(2, LocalDate.class), StoredSessions.Checked.parse(rs.getString(3)));
                }
            }
        } catch (SQLException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read the checked sessions from " + config.name() + ": " + Secrets.redact(e.getMessage()), e);
        }
        return checked;
    }

    /** Inserts the checked sessions in one transaction; a session already recorded (another shard, an earlier run) is kept. */
    public void recordChecked(Interval interval, Map<Symbol, Map<LocalDate, StoredSessions.Checked>> checked, String runId, java.time.Instant at) {
        String sql = "INSERT INTO checked_sessions (symbol, interval, date, reason, run_id, checked_at) VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (symbol, interval, date) DO NOTHING";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            for (var symbol : checked.entrySet()) {
                for (var session : symbol.getValue().entrySet()) {
                    ps.setString(1, symbol.getKey().value());
                    ps.setString(2, interval.code());
                    ps.setObject(3, session.getKey());
                    ps.setString(4, session.getValue().code());
                    ps.setString(5, runId);
                    ps.setObject(6, java.time.OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC));
                    ps.addBatch();
                }
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot record the checked sessions in " + config.name() + ": " + Secrets.redact(e.getMessage()), e);
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(config.jdbcUrl(), config.connectionProperties());
    }

    private Flyway flyway(String target) {
        // Flyway logs through SLF4J (its banner and progress are INFO, below the app's WARN): nothing of it on stderr
        var conf = Flyway.configure()
                .loggers("slf4j")
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
