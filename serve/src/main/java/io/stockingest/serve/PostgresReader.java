package io.stockingest.serve;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.Symbol;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A PostgreSQL sink's tables (as sink-postgres's migrations make them), read in read-only transactions with a
 * statement timeout. Thread-safe (a small fixed set of connections).
 */
public final class PostgresReader implements DashboardReader, CoverageReader {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final int CONNECTIONS = 4;

    private final Jdbc jdbc;
    private final String description;

    /**
     * @param jdbcUrl a {@code jdbc:postgresql:} URL (its password, if any, is never shown)
     * @param schema the sink's schema (a plain lower-case identifier)
     */
    public PostgresReader(String jdbcUrl, String user, String password, String schema, String description) {
        requireNonNull(jdbcUrl, "jdbcUrl is null");
        requireNonNull(schema, "schema is null");
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema '" + schema + "' must be a lower-case identifier");
        }
        this.description = requireNonNull(description, "description is null");
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "stock-ingest serve");
        props.setProperty("readOnly", "true");
        this.jdbc = new Jdbc(() -> open(jdbcUrl, props, schema), CONNECTIONS, description);
    }

    private static Connection open(String url, Properties props, String schema) throws SQLException {
        Connection c = DriverManager.getConnection(url, props);
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + schema);
            st.execute("SET statement_timeout = '30s'");
            st.execute("SET default_transaction_read_only = on");
        }
        c.setReadOnly(true);
        c.setAutoCommit(false);
        return c;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public List<String> symbols() {
        // a skip scan over the primary key (symbol, date): one index probe per symbol instead of reading every row
        return jdbc.query("WITH RECURSIVE s AS (SELECT min(symbol) AS symbol FROM prices_daily"
                + " UNION ALL SELECT (SELECT min(symbol) FROM prices_daily WHERE symbol > s.symbol) FROM s WHERE s.symbol IS NOT NULL)"
                + " SELECT symbol FROM s WHERE symbol IS NOT NULL").column("symbol").stream().map(String.class::cast).toList();
    }

    @Override
    public Table daily(Symbol symbol, LocalDate from, LocalDate to) {
        return jdbc.query("SELECT p.date, p.open, p.high, p.low, p.close, p.adj_close, p.volume, f.ma_20, f.ma_50, f.volatility_20d"
                + " FROM prices_daily p LEFT JOIN price_features f ON f.symbol = p.symbol AND f.date = p.date"
                + " WHERE p.symbol = ? AND p.date BETWEEN ? AND ? ORDER BY p.date", symbol.value(), from, to);
    }

    @Override
    public List<String> intervals(Symbol symbol) {
        return jdbc.query("SELECT DISTINCT interval FROM prices_intraday WHERE symbol = ? ORDER BY interval", symbol.value())
                .column("interval").stream().map(String.class::cast).toList();
    }

    @Override
    public Table intraday(Symbol symbol, String interval, LocalDate from, LocalDate to) {
        return jdbc.query("SELECT ts, date, open, high, low, close, volume FROM prices_intraday"
                + " WHERE symbol = ? AND interval = ? AND date BETWEEN ? AND ? ORDER BY ts", symbol.value(), interval, from, to);
    }

    @Override
    public Table cumulative(Symbol symbol, LocalDate from, LocalDate to) {
        return jdbc.query("SELECT date, opens, highs, lows, closes, volumes, avg_7_day_volume, volatility_7_day FROM price_cumulative_7d"
                + " WHERE symbol = ? AND date BETWEEN ? AND ? ORDER BY date", symbol.value(), from, to);
    }

    @Override
    public Table actions(Symbol symbol) {
        return jdbc.query("SELECT type, ex_date, amount, numerator, denominator, pay_date FROM corporate_actions WHERE symbol = ?"
                + " ORDER BY ex_date, type", symbol.value());
    }

    @Override
    public List<LocalDate> optionDates(Symbol underlying) {
        return jdbc.query("SELECT DISTINCT date FROM option_snapshots WHERE underlying = ? ORDER BY date DESC", underlying.value())
                .column("date").stream().map(d -> LocalDate.parse((String) d)).toList();
    }

    @Override
    public Table optionChain(Symbol underlying, LocalDate date) {
        return jdbc.query("SELECT contract, contract_type, expiration, strike, bid, ask, bid_size, ask_size, midpoint, last_price,"
                + " implied_volatility, delta, gamma, theta, vega, open_interest, day_volume, underlying_price FROM option_snapshots"
                + " WHERE underlying = ? AND date = ? ORDER BY expiration, strike, contract_type", underlying.value(), date);
    }

    @Override
    public Table fundamentals(Symbol symbol) {
        return jdbc.query("SELECT statement_type, period, fiscal_year, period_end, currency, line_items FROM fundamentals WHERE symbol = ?"
                + " ORDER BY statement_type, period_end, period", symbol.value());
    }

    @Override
    public List<String> runDocuments(int limit) {
        return jdbc.query("SELECT metrics::text AS metrics FROM ingest_runs ORDER BY started_at DESC NULLS LAST, run_id DESC LIMIT ?", limit)
                .column("metrics").stream().map(String.class::cast).toList();
    }

    @Override
    public Optional<String> runDocument(String runId) {
        return jdbc.query("SELECT metrics::text AS metrics FROM ingest_runs WHERE run_id = ?", runId)
                .column("metrics").stream().map(String.class::cast).findFirst();
    }

    @Override
    public Table quarantine(String rule, Symbol symbol, LocalDate from, LocalDate to, int limit) {
        return jdbc.query("SELECT run_id, symbol, interval, date, row->>'ts' AS ts, rule, detail, (row->>'open')::float8 AS open,"
                + " (row->>'high')::float8 AS high, (row->>'low')::float8 AS low, (row->>'close')::float8 AS close, (row->>'volume')::int8 AS volume"
                + " FROM quarantine WHERE " + QUARANTINE_FILTER + " ORDER BY date DESC, symbol, rule, ts LIMIT ?",
                quarantineParams(rule, symbol, from, to, limit));
    }

    @Override
    public Table quarantineCounts(String rule, Symbol symbol, LocalDate from, LocalDate to) {
        return jdbc.query("SELECT rule, symbol, date, count(*) AS rows FROM quarantine WHERE " + QUARANTINE_FILTER
                + " GROUP BY rule, symbol, date ORDER BY date DESC, symbol, rule", quarantineParams(rule, symbol, from, to, null));
    }

    /** Shared by both readers: each filter is bound twice, so a null one drops out (see {@link #quarantineParams}). */
    static final String QUARANTINE_FILTER = "(CAST(? AS text) IS NULL OR rule = ?) AND (CAST(? AS text) IS NULL OR symbol = ?)"
            + " AND (CAST(? AS date) IS NULL OR date >= ?) AND (CAST(? AS date) IS NULL OR date <= ?)";

    /** The parameters of {@link #QUARANTINE_FILTER}, then the limit if not null. */
    static Object[] quarantineParams(String rule, Symbol symbol, LocalDate from, LocalDate to, Integer limit) {
        String s = symbol == null ? null : symbol.value();
        List<Object> params = new java.util.ArrayList<>(java.util.Arrays.asList(rule, rule, s, s, from, from, to, to));
        if (limit != null) {
            params.add(limit);
        }
        return params.toArray();
    }

    @Override
    public CoverageReader coverage() {
        return this;
    }

    @Override
    public Table storedByMonth(LocalDate from, LocalDate to) {
        return jdbc.query("SELECT symbol, to_char(date, 'YYYY-MM') AS month, count(*) AS stored, min(date) AS first, max(date) AS last FROM prices_daily"
                + " WHERE (CAST(? AS date) IS NULL OR date >= ?) AND (CAST(? AS date) IS NULL OR date <= ?) GROUP BY 1, 2 ORDER BY 1, 2",
                from, from, to, to);
    }

    @Override
    public List<LocalDate> storedDates(Symbol symbol, LocalDate from, LocalDate to) {
        return jdbc.query("SELECT date FROM prices_daily WHERE symbol = ? AND date BETWEEN ? AND ? ORDER BY date", symbol.value(), from, to)
                .column("date").stream().map(d -> LocalDate.parse((String) d)).toList();
    }

    @Override
    public void close() {
        jdbc.close();
    }
}
