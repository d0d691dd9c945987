package io.stockingest.lake;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.Secrets;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.Table;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A fixed set of JDBC connections and the one place that runs a read query and turns its rows into a {@link Table}
 * (the {@link io.stockingest.core.spi.SinkReader}s of the lake, through DuckDB, and of PostgreSQL). Thread-safe: a
 * query borrows a connection for its duration; a connection that failed is rolled back or closed and replaced.
 */
public final class JdbcTables implements AutoCloseable {
    /**
     * The quarantine filter both readers use: each filter is bound twice, so a null one drops out (see
     * {@link #quarantineParams}).
     */
    public static final String QUARANTINE_FILTER = "(CAST(? AS text) IS NULL OR rule = ?) AND (CAST(? AS text) IS NULL OR symbol = ?)"
            + " AND (CAST(? AS date) IS NULL OR date >= ?) AND (CAST(? AS date) IS NULL OR date <= ?)";

    /** Opens (and prepares) one connection. */
    public interface Opener {
        Connection open() throws SQLException;
    }

    private final Opener opener;
    private final BlockingQueue<Slot> idle;
    private final String what;

    /** @param what the target, for messages (no secret in it) */
    public JdbcTables(Opener opener, int size, String what) {
        this.opener = requireNonNull(opener, "opener is null");
        this.idle = new ArrayBlockingQueue<>(size);
        this.what = requireNonNull(what, "what is null");
        for (int i = 0; i < size; i++) {
            idle.add(new Slot(null));
        }
    }

    /** Runs a query with its parameters bound in order and returns every row, normalised. */
    public Table query(String sql, Object... params) {
        Connection c = borrow();
        boolean healthy = false;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            Table table;
            try (ResultSet rs = ps.executeQuery()) {
                table = read(rs);
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            healthy = true;
            return table;
        } catch (SQLException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read " + what + ": " + Secrets.redact(e.getMessage()), e);
        } finally {
            giveBack(c, healthy);
        }
    }

    private Connection borrow() {
        Slot slot;
        try {
            slot = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException(ErrorKind.SINK, "Interrupted while waiting for a connection to " + what, e);
        }
        if (slot.connection() != null) {
            return slot.connection();
        }
        try {
            return opener.open();
        } catch (SQLException e) {
            idle.add(slot);
            throw new IngestException(ErrorKind.SINK, "Cannot connect to " + what + ": " + Secrets.redact(e.getMessage()), e);
        }
    }

    private void giveBack(Connection c, boolean healthy) {
        if (healthy) {
            idle.add(new Slot(c));
            return;
        }
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            idle.add(new Slot(c));
        } catch (SQLException e) {
            closeQuietly(c);
            idle.add(new Slot(null));
        }
    }

    private static Table read(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(meta.getColumnLabel(i));
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>(columns.size());
            for (int i = 1; i <= columns.size(); i++) {
                row.add(normalise(rs.getObject(i)));
            }
            rows.add(row);
        }
        return new Table(columns, rows);
    }

    /** A driver's value as the API sends it (see {@link Table}). */
    static Object normalise(Object value) throws SQLException {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Double d -> d;
            case Float f -> f.doubleValue();
            case BigDecimal d -> d.doubleValue();
            case Integer i -> i.longValue();
            case Long l -> l;
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case BigInteger i -> i.longValue();
            case java.sql.Date d -> d.toLocalDate().toString();
            case LocalDate d -> d.toString();
            case java.sql.Timestamp t -> t.toInstant().toString();
            case OffsetDateTime t -> t.toInstant().toString();
            case LocalDateTime t -> t.toInstant(ZoneOffset.UTC).toString();
            case Instant t -> t.toString();
            case Array a -> normaliseList(Arrays.asList((Object[]) a.getArray()));
            case List<?> l -> normaliseList(l);
            case Map<?, ?> m -> normaliseMap(m);
            default -> value.toString(); // PostgreSQL's json (PGobject), DuckDB's UUIDs: as text
        };
    }

    private static List<Object> normaliseList(List<?> values) throws SQLException {
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) {
            out.add(normalise(v));
        }
        return out;
    }

    private static Map<String, Object> normaliseMap(Map<?, ?> map) throws SQLException {
        Map<String, Object> out = new TreeMap<>();
        for (var e : map.entrySet()) {
            out.put(String.valueOf(e.getKey()), normalise(e.getValue()));
        }
        return out;
    }

    /** The parameters of {@link #QUARANTINE_FILTER}, then the limit if not null. */
    public static Object[] quarantineParams(String rule, Symbol symbol, LocalDate from, LocalDate to, Integer limit) {
        String s = symbol == null ? null : symbol.value();
        List<Object> params = new ArrayList<>(Arrays.asList(rule, rule, s, s, from, from, to, to));
        if (limit != null) {
            params.add(limit);
        }
        return params.toArray();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // a broken connection: nothing more to do with it
        }
    }

    @Override
    public void close() {
        List<Slot> all = new ArrayList<>();
        idle.drainTo(all);
        all.stream().filter(s -> s.connection() != null).forEach(s -> closeQuietly(s.connection()));
    }

    /** An idle connection, or null where none is opened yet (connections open on first use). */
    private record Slot(Connection connection) {}
}
