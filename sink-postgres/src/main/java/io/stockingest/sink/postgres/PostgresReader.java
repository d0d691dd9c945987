package io.stockingest.sink.postgres;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.Table;
import io.stockingest.lake.JdbcTables;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A PostgreSQL sink's tables (as the migrations make them) read for {@code serve}, in read-only transactions with a
 * statement timeout; the coverage per month comes from the {@code prices_daily_months} summary. Thread-safe (a small fixed set of
 * connections).
 */
final class PostgresReader implements SinkReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final int CONNECTIONS = 4;

    private final JdbcTables jdbc;
    private final String description;
    private final PostgresAdmin admin;

    PostgresReader(PostgresConfig config) {
        String schema = config.schema();
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw new IngestException(ErrorKind.CONFIG, "PostgreSQL schema '" + schema + "' must be a lower-case identifier to be served");
        }
        this.description = "PostgreSQL " + config.name();
        this.admin = new PostgresAdmin(config);
        Properties props = new Properties();
        props.putAll(config.connectionProperties());
        props.setProperty("ApplicationName", "stock-ingest serve");
        props.setProperty("readOnly", "true");
        this.jdbc = new JdbcTables(() -> open(config.jdbcUrl(), props, schema), CONNECTIONS, description);
    }

    /** One of the reader's connections: every statement its own read-only transaction, a statement timeout. */
    static Connection open(String url, Properties props, String schema) throws SQLException {
        Connection c = DriverManager.getConnection(url, props);
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + schema);
            st.execute("SET statement_timeout = '30s'");
            st.execute("SET default_transaction_read_only = on");
        }
        // every statement is its own read-only transaction (the session's default): no COMMIT round trip per query
        c.setAutoCommit(true);
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
        Table rows = jdbc.query("SELECT statement_type, period, fiscal_year, period_end, currency, line_items::text AS line_items FROM fundamentals"
                + " WHERE symbol = ? ORDER BY statement_type, period_end, period", symbol.value());
        int items = rows.columns().indexOf("line_items");
        List<List<Object>> out = new ArrayList<>(rows.size());
        for (List<Object> row : rows.rows()) {
            List<Object> copy = new ArrayList<>(row);
            copy.set(items, row.get(items) == null ? null : lineItems((String) row.get(items)));
            out.add(copy);
        }
        return new Table(rows.columns(), out);
    }

    /** A statement's line items (jsonb) as a sorted map of name to number (or null: NaN is stored as null). */
    private static Map<String, Object> lineItems(String json) {
        try {
            Map<String, Object> items = new TreeMap<>();
            JSON.readTree(json).properties().forEach(item -> items.put(item.getKey(),
                    item.getValue().isNumber() ? item.getValue().doubleValue() : item.getValue().isNull() ? null : item.getValue().asText()));
            return items;
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "A stored statement's line items are not JSON: " + e.getMessage(), e);
        }
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
                + " FROM quarantine WHERE " + JdbcTables.QUARANTINE_FILTER + " ORDER BY date DESC, symbol, rule, ts LIMIT ?",
                JdbcTables.quarantineParams(rule, symbol, from, to, limit));
    }

    @Override
    public Table quarantineCounts(String rule, Symbol symbol, LocalDate from, LocalDate to) {
        return jdbc.query("SELECT rule, symbol, date, count(*) AS rows FROM quarantine WHERE " + JdbcTables.QUARANTINE_FILTER
                + " GROUP BY rule, symbol, date ORDER BY date DESC, symbol, rule", JdbcTables.quarantineParams(rule, symbol, from, to, null));
    }

    /** The stored daily sessions, read as {@code coverage} reads them (one query, no write). */
    @Override
    public StoredSessions storedSessions() {
        return admin::storedSessions;
    }

    /**
     * From the {@code prices_daily_months} summary (V10, kept by every load): 60,000 rows for 1,000 symbols x 5
     * years, where counting {@code prices_daily} read 1.26 M rows per request. A month that the range cuts (its
     * first or last month) and that holds rows outside the range is counted again from its rows in the range, by
     * primary key for those symbols only.
     */
    @Override
    public Optional<Table> storedByMonth(DateRange range) {
        // in primary-key order (no sort). Dates as text (the driver keeps DateStyle ISO): decoding 180,000 java.sql.Dates
        // cost more than the query; the month's first day is cut to YYYY-MM here
        Table months = jdbc.query("SELECT symbol, month::text AS month, sessions AS stored, first_date::text AS first, last_date::text AS last"
                + " FROM prices_daily_months WHERE month BETWEEN ? AND ? ORDER BY symbol, month", range.from().withDayOfMonth(1), range.to());
        String from = range.from().toString();
        String to = range.to().toString();
        Map<String, List<String>> cut = new TreeMap<>(); // month -> symbols whose rows of that month reach outside the range
        List<List<Object>> rows = new ArrayList<>(months.size());
        for (List<Object> row : months.rows()) {
            String month = ((String) row.get(1)).substring(0, 7);
            if (((String) row.get(3)).compareTo(from) < 0 || ((String) row.get(4)).compareTo(to) > 0) {
                cut.computeIfAbsent(month, m -> new ArrayList<>()).add((String) row.get(0));
            } else {
                rows.add(Arrays.asList(row.get(0), month, row.get(2), row.get(3), row.get(4)));
            }
        }
        for (Map.Entry<String, List<String>> month : cut.entrySet()) {
            YearMonth ym = YearMonth.parse(month.getKey());
            LocalDate lo = ym.atDay(1).isBefore(range.from()) ? range.from() : ym.atDay(1);
            LocalDate hi = ym.atEndOfMonth().isAfter(range.to()) ? range.to() : ym.atEndOfMonth();
            rows.addAll(jdbc.query("SELECT symbol, to_char(date, 'YYYY-MM') AS month, count(*) AS stored, min(date)::text AS first, max(date)::text AS last"
                    + " FROM prices_daily WHERE symbol = ANY(?) AND date BETWEEN ? AND ? GROUP BY 1, 2",
                    month.getValue().toArray(String[]::new), lo, hi).rows());
        }
        if (!cut.isEmpty()) {
            rows.sort(Comparator.comparing((List<Object> row) -> (String) row.get(0)).thenComparing(row -> (String) row.get(1)));
        }
        return Optional.of(new Table(months.columns(), rows));
    }

    /** The checked_sessions (V8) rows of daily bars in the range with no bar in prices_daily (by primary key). */
    @Override
    public Table checkedSessions(DateRange range) {
        return jdbc.query("SELECT c.symbol, c.date::text AS date, c.reason FROM checked_sessions c WHERE c.interval = '1d' AND c.date BETWEEN ? AND ?"
                + " AND NOT EXISTS (SELECT 1 FROM prices_daily p WHERE p.symbol = c.symbol AND p.date = c.date) ORDER BY c.symbol, c.date",
                range.from(), range.to());
    }

    @Override
    public void close() {
        jdbc.close();
    }
}
