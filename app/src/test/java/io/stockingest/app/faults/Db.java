package io.stockingest.app.faults;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/** Plain JDBC into the test's PostgreSQL: table contents to compare, and the session a load is blocked in. */
final class Db {
    static final String PASSWORD = "pgFAULTpass0xFEED42";
    /** The tables a price load writes (bars and the features refreshed from them). */
    static final List<String> PRICE_TABLES = List.of("prices_daily", "price_features", "price_cumulative_7d");

    private Db() {}

    static String url(int port) {
        return "postgresql://postgres:" + PASSWORD + "@127.0.0.1:" + port + "/postgres";
    }

    static Connection connect(int port) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", PASSWORD);
    }

    /** Every row of every price table of {@code schema}, sorted by key, {@code ingest_ts} left out, arrays as lists. */
    static Map<String, List<Map<String, Object>>> priceTables(int port, String schema) throws SQLException {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        try (Connection c = connect(port); Statement st = c.createStatement()) {
            for (String table : PRICE_TABLES) {
                List<Map<String, Object>> rows = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT * FROM " + schema + "." + table + " ORDER BY symbol, date")) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            Object value = rs.getObject(i);
                            row.put(meta.getColumnName(i), value instanceof Array array ? Arrays.asList((Object[]) array.getArray()) : value);
                        }
                        row.remove("ingest_ts");
                        rows.add(row);
                    }
                }
                out.put(table, rows);
            }
        }
        return out;
    }

    /** The same tables keeping only the rows of {@code symbols}. */
    static Map<String, List<Map<String, Object>>> only(Map<String, List<Map<String, Object>>> tables, List<String> symbols) {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        tables.forEach((table, rows) -> out.put(table, rows.stream().filter(r -> symbols.contains((String) r.get("symbol"))).toList()));
        return out;
    }

    /**
     * Opens a transaction that inserts (without committing) the row {@code symbol} / {@code date} of prices_daily, so
     * that a load of that key waits on it: a deterministic point inside the loader's transaction.
     */
    static Connection holdRow(int port, String schema, String symbol, String date) throws SQLException {
        Connection c = connect(port);
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + schema + ".prices_daily (symbol, date, open, high, low, close, volume, source, ingest_ts) VALUES ('"
                    + symbol + "', DATE '" + date + "', 1, 1, 1, 1, 1, 'fault-test', now())");
        }
        return c;
    }

    /**
     * Opens a transaction that inserts (without committing) the {@code price_features} row {@code symbol} / {@code date},
     * so that a load writing that key's features waits on it in the COPY of its features, after its prices.
     */
    static Connection holdFeatureRow(int port, String schema, String symbol, String date) throws SQLException {
        Connection c = connect(port);
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + schema + ".price_features (symbol, date, close) VALUES ('" + symbol + "', DATE '" + date + "', 1)");
        }
        return c;
    }

    /** Waits (polling pg_stat_activity, at most 60 s) until another session is blocked by {@code holder}; its pid. */
    static int awaitBlockedBy(Connection holder) throws SQLException {
        int holderPid;
        try (Statement st = holder.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            holderPid = rs.getInt(1);
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        try (Connection c = connectLike(holder); Statement st = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = st.executeQuery("SELECT pid FROM pg_stat_activity WHERE " + holderPid + " = ANY (pg_blocking_pids(pid))")) {
                    Optional<Integer> blocked = rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
                    if (blocked.isPresent()) {
                        return blocked.get();
                    }
                }
                LockSupport.parkNanos(20_000_000L);
            }
        }
        throw new AssertionError("no load was blocked by the held row within 60 s");
    }

    private static Connection connectLike(Connection holder) throws SQLException {
        return DriverManager.getConnection(holder.getMetaData().getURL(), "postgres", PASSWORD);
    }
}
