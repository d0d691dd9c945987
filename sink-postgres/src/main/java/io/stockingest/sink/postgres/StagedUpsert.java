package io.stockingest.sink.postgres;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.Secrets;
import io.stockingest.core.rules.RowRule;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The load of one non-bar table (fundamentals, option_snapshots, corporate_actions), in ONE transaction: COPY (CSV)
 * of the rows into a temporary staging table without NOT NULL constraints, the data-quality gate as SQL on the
 * staging table (each rule a condition a violating row meets), then one {@code INSERT ... SELECT DISTINCT ON (key)
 * ... ON CONFLICT (key) DO UPDATE ... WHERE (old values) IS DISTINCT FROM (new values)}: a key given twice keeps the
 * last row (PRODUCT.md: duplicates keep the last one), and a row whose values are unchanged is not touched
 * ({@code ingest_ts} is not compared), so a rerun writes nothing. A failing gate or a lost connection rolls back.
 *
 * <p>Immutable and thread-safe; each {@link #load} uses its own connection.
 *
 * @param table the production table
 * @param columns every stored column but {@code ingest_ts}, in the order of the row values
 * @param key the conflict key (a prefix-free subset of columns)
 * @param label the column that names the rows in messages (symbol, underlying)
 * @param gate the row rules checked on staging ({@link PostgresGate}); empty for none
 */
record StagedUpsert(String table, List<String> columns, List<String> key, String label, List<RowRule<?>> gate) {
    StagedUpsert {
        requireNonNull(table, "table is null");
        columns = List.copyOf(columns);
        key = List.copyOf(key);
        requireNonNull(label, "label is null");
        gate = List.copyOf(gate);
        if (!columns.containsAll(key) || !columns.contains(label)) {
            throw new IllegalArgumentException("key " + key + " and label " + label + " must be columns of " + table);
        }
    }

    /**
     * Loads {@code rows} (values in {@link #columns} order: String, Number, LocalDate, Instant or null; a String is
     * stored as text, so a jsonb column takes JSON text) with {@code ingestTs}; returns the rows inserted or updated.
     *
     * @param what the batch in messages, e.g. "3 statements of AAPL"
     */
    long load(PostgresAdmin admin, List<Object[]> rows, Instant ingestTs, String what) {
        if (rows.isEmpty()) {
            return 0;
        }
        String sink = admin.config().name();
        try (Connection c = admin.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                String cols = String.join(", ", columns) + ", ingest_ts";
                String stage = "stage_" + table;
                st.execute("CREATE TEMP TABLE " + stage + " ON COMMIT DROP AS SELECT 0::bigint AS ord, " + cols + " FROM " + table + " WITH NO DATA");
                copy(c, "COPY " + stage + " (ord, " + cols + ") FROM STDIN WITH (FORMAT csv)", rows, ingestTs);
                gate(c, stage, what, sink);
                long changed = upsert(st, stage, cols);
                c.commit();
                return changed;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone: the server rolled the transaction back itself
                }
                throw e;
            }
        } catch (IngestException e) {
            throw e;
        } catch (SQLException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot load " + what + " into " + table + " of " + sink + " (rolled back, nothing stored): "
                    + Secrets.redact(e.getMessage()), e);
        }
    }

    private static void copy(Connection c, String sql, List<Object[]> rows, Instant ingestTs) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            StringBuilder sb = new StringBuilder(64 * 1024);
            long ord = 0;
            for (Object[] row : rows) {
                sb.append(ord++);
                for (Object value : row) {
                    sb.append(',');
                    csv(sb, value);
                }
                sb.append(',').append(ingestTs).append('\n');
                if (sb.length() > (1 << 20)) {
                    write(in, sb);
                }
            }
            write(in, sb);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    private static void write(CopyIn in, StringBuilder sb) throws SQLException {
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        in.writeToCopy(bytes, 0, bytes.length);
        sb.setLength(0);
    }

    /** CSV as COPY reads it: nothing is NULL, a quoted value (even empty) is text; doubles print NaN / Infinity as PostgreSQL spells them. */
    static void csv(StringBuilder sb, Object value) {
        switch (value) {
            case null -> { }
            case String s -> sb.append('"').append(s.replace("\"", "\"\"")).append('"');
            case Double d -> sb.append(d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity") : d.toString());
            default -> sb.append(value); // Integer, Long, LocalDate, Instant: ISO text PostgreSQL reads
        }
    }

    private void gate(Connection c, String stage, String what, String sink) throws SQLException {
        PostgresGate.Breaches breaches = PostgresGate.check(c, stage, gate, label);
        if (breaches != null) {
            throw new IngestException(ErrorKind.DQ_GATE, "Data-quality gate refused " + what + " for " + table + " of " + sink + ": "
                    + breaches.describe(count -> count.rows() + " breaking " + count.rule().name()) + " (" + label + ": " + breaches.labels()
                    + "); rolled back, " + table + " unchanged");
        }
    }

    private long upsert(Statement st, String stage, String cols) throws SQLException {
        List<String> values = columns.stream().filter(c -> !key.contains(c)).toList();
        String keys = String.join(", ", key);
        StringBuilder set = new StringBuilder();
        for (String v : values) {
            set.append(v).append(" = EXCLUDED.").append(v).append(", ");
        }
        String sql = "WITH up AS (INSERT INTO " + table + " AS t (" + cols + ")"
                + " SELECT DISTINCT ON (" + keys + ") " + cols + " FROM " + stage + " ORDER BY " + keys + ", ord DESC"
                + " ON CONFLICT (" + keys + ") DO UPDATE SET " + set + "ingest_ts = EXCLUDED.ingest_ts"
                + " WHERE (" + String.join(", ", values.stream().map(v -> "t." + v).toList()) + ") IS DISTINCT FROM ("
                + String.join(", ", values.stream().map(v -> "EXCLUDED." + v).toList()) + ") RETURNING 1)"
                + " SELECT count(*) FROM up";
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
