package io.stockingest.sink.postgres;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.model.Bar;
import io.stockingest.core.rules.RowRules;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One load of bars into {@code prices_daily} or {@code prices_intraday}, inside the caller's transaction. First,
 * which series (symbol, or symbol + interval) already hold rows between their first and last position of this load:
 * one primary-key probe per series. Then:
 *
 * <ul>
 *   <li><b>none does</b> (a fresh load, new symbols, days appended by a daily run or {@code --since-last}): binary
 *       COPY straight into the target with the data-quality gate as the COPY's {@code WHERE} clause, so the server
 *       checks every row as it arrives at no extra pass. If it stored fewer rows than were sent, a row broke a rule:
 *       the copy is rolled back to a savepoint and the load takes the staged path, whose gate names the breaches.
 *       The same happens when another writer stored some of the same keys meanwhile (unique violation);</li>
 *   <li><b>otherwise</b>: binary COPY into a {@code TEMP} staging table (no index, not WAL-logged, dropped at
 *       commit), the gate in SQL over it, one plain {@code INSERT ... SELECT} for the series with nothing stored in
 *       their span, and {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE (old) IS DISTINCT FROM (new)} for the
 *       others, so unchanged rows are not touched.</li>
 * </ul>
 *
 * The gate is one cheap predicate per row; only on a breach does a second query count breaches by rule and name the
 * symbols ({@code DQ_GATE}). It reports the rows inserted or changed and, per symbol, the earliest changed date (where
 * the feature refresh starts). A daily load adds the rows it inserted to the {@code prices_daily_months} summary
 * ({@link PriceMonths}) in the same transaction. Phase times are added to {@code phases} (nanoseconds by phase name).
 */
final class BarLoader {
    static final String VALUE_COLS = "open, high, low, close, adj_close, volume, vwap, transactions, source, venue";
    /** PRODUCT.md's row rules on values ({@link RowRules#BAR}) as one predicate, true for a good row. */
    static final String GOOD = PostgresGate.kept(RowRules.BAR);

    /** The two bar tables: what differs between them. */
    enum Table {
        DAILY("prices_daily", "stage_daily", "symbol, date", "date", "date"),
        INTRADAY("prices_intraday", "stage_intraday", "symbol, interval, ts", "ts", "timestamptz");

        final String target;
        final String stage;
        final String key;
        final String position;
        final String positionType;
        final String cols;

        Table(String target, String stage, String key, String position, String positionType) {
            this.target = target;
            this.stage = stage;
            this.key = key;
            this.position = position;
            this.positionType = positionType;
            this.cols = (target.equals("prices_daily") ? "symbol, date, " : "symbol, interval, ts, date, ") + VALUE_COLS + ", ingest_ts";
        }
    }

    /**
     * Rows inserted or updated, per symbol the earliest date among them, and the symbols (daily) that had no stored
     * row between their first and last loaded date before the load (inserted whole, nothing upserted).
     */
    record Changed(long rows, Map<String, LocalDate> since, Set<String> fresh) {
        static final Changed NONE = new Changed(0, Map.of(), Set.of());
    }

    private final Connection c;
    private final String sinkName;
    private final String what;
    private final Map<String, Long> phases;

    BarLoader(Connection c, String sinkName, String what, Map<String, Long> phases) {
        this.c = c;
        this.sinkName = sinkName;
        this.what = what;
        this.phases = phases;
    }

    Changed load(Table table, List<Bar> bars, Instant ingestTs) throws SQLException {
        Instant ts = ingestTs == null ? Instant.now() : ingestTs;
        long t = System.nanoTime();
        // series = symbol (daily) or symbol + interval (intraday); span = first..last position in this load
        Map<String, Span> spans = new LinkedHashMap<>();
        Map<String, LocalDate> firstDate = new HashMap<>();
        for (Bar b : bars) {
            String series = table == Table.DAILY ? b.symbol().value() : b.symbol().value() + "\t" + b.interval().code();
            String pos = table == Table.DAILY ? b.date().toString() : b.ts().toString();
            spans.computeIfAbsent(series, s -> new Span(pos)).widen(table == Table.DAILY ? b.date() : b.ts(), pos);
            firstDate.merge(b.symbol().value(), b.date(), (x, y) -> x.isBefore(y) ? x : y);
        }
        Set<String> stored = storedSeries(table, spans);
        t = lap("overlap check", t);
        Map<String, LocalDate> since = new TreeMap<>();
        if (table == Table.DAILY && !stored.isEmpty()) {
            // a rerun or an overlapping range: leave out the bars stored with the same values before staging them
            bars = StoredCopies.without(c, bars, spans(stored, spans));
            t = lap("compare with stored rows", t);
            if (bars.isEmpty()) {
                return new Changed(0, since, Set.of());
            }
        }

        if (stored.isEmpty()) {
            // nothing stored in any series' span: COPY straight into the target with the gate as the COPY's WHERE
            // clause (evaluated by the server on every row as it arrives): when the server stored fewer rows than were
            // sent, some row broke a rule, and the staged path below rolls everything back and names the breaches
            Savepoint savepoint = c.setSavepoint();
            try {
                long rows = copy(table, table.target, " WHERE " + GOOD, bars, ts);
                t = lap("copy into " + table.target + " (gate in its WHERE)", t);
                if (rows == bars.size()) {
                    if (table == Table.DAILY) {
                        PriceMonths.add(c, bars); // every bar was inserted (a key stored twice fails the COPY)
                        t = lap("prices_daily_months", t);
                    }
                    c.releaseSavepoint(savepoint);
                    firstDate.forEach(since::put);
                    return new Changed(rows, since, Set.copyOf(since.keySet()));
                }
                c.rollback(savepoint);
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) {
                    throw e;
                }
                c.rollback(savepoint); // another writer stored some of these keys meanwhile: take the staged path
                stored = new LinkedHashSet<>(spans.keySet());
                t = System.nanoTime();
            }
        }

        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE " + table.stage + " (LIKE " + table.target + ") ON COMMIT DROP");
        }
        copy(table, table.stage, "", bars, ts);
        t = lap("copy to staging", t);
        gate(table.stage);
        t = lap("gate", t);

        long rows = 0;
        Set<String> fresh = new HashSet<>();
        if (stored.size() < spans.size()) {
            Savepoint savepoint = c.setSavepoint();
            try {
                rows += insertNew(table, List.copyOf(stored));
                c.releaseSavepoint(savepoint);
                for (String series : spans.keySet()) {
                    if (!stored.contains(series)) {
                        String symbol = series.split("\t")[0];
                        since.merge(symbol, firstDate.get(symbol), (x, y) -> x.isBefore(y) ? x : y);
                        fresh.add(symbol);
                    }
                }
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) {
                    throw e;
                }
                c.rollback(savepoint); // another writer stored some of these keys meanwhile: upsert everything
                stored = new LinkedHashSet<>(spans.keySet());
            }
            t = lap("insert new series", t);
        }
        rows += upsert(table, stored.size() == spans.size() ? null : List.copyOf(stored), since);
        lap("upsert stored series", t);
        return new Changed(rows, since, table == Table.DAILY ? fresh : Set.of());
    }

    /** Per stored series (daily: the symbol), the first and last date of this load. */
    private static Map<String, LocalDate[]> spans(Set<String> stored, Map<String, Span> spans) {
        Map<String, LocalDate[]> out = new LinkedHashMap<>();
        for (String series : stored) {
            Span span = spans.get(series);
            out.put(series, new LocalDate[] {LocalDate.parse(span.loText), LocalDate.parse(span.hiText)});
        }
        return out;
    }

    private static String spanTable(Table table) {
        return "unnest(?::text[], ?::text[], ?::" + table.positionType + "[], ?::" + table.positionType + "[]) AS r(symbol, interval, lo, hi)";
    }

    private void bindSpans(PreparedStatement ps, Map<String, Span> spans) throws SQLException {
        int n = spans.size();
        String[] symbols = new String[n];
        String[] intervals = new String[n];
        String[] lo = new String[n];
        String[] hi = new String[n];
        int i = 0;
        for (var e : spans.entrySet()) {
            String[] parts = e.getKey().split("\t");
            symbols[i] = parts[0];
            intervals[i] = parts.length > 1 ? parts[1] : "";
            lo[i] = e.getValue().loText;
            hi[i] = e.getValue().hiText;
            i++;
        }
        ps.setArray(1, c.createArrayOf("text", symbols));
        ps.setArray(2, c.createArrayOf("text", intervals));
        ps.setArray(3, c.createArrayOf("text", lo));
        ps.setArray(4, c.createArrayOf("text", hi));
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private long lap(String phase, long start) {
        long now = System.nanoTime();
        phases.merge(phase, now - start, Long::sum);
        return now;
    }

    private static final class Span {
        Comparable<Object> lo;
        Comparable<Object> hi;
        String loText;
        String hiText;

        Span(String text) {
            loText = text;
            hiText = text;
        }

        @SuppressWarnings("unchecked")
        void widen(Object position, String text) {
            Comparable<Object> p = (Comparable<Object>) position;
            if (lo == null || p.compareTo(lo) < 0) {
                lo = p;
                loText = text;
            }
            if (hi == null || p.compareTo(hi) > 0) {
                hi = p;
                hiText = text;
            }
        }
    }

    private long copy(Table table, String into, String where, List<Bar> bars, Instant ingestTs) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + into + " (" + table.cols + ") FROM STDIN (FORMAT binary)" + where);
        try {
            BinaryCopy out = new BinaryCopy(in);
            for (Bar b : bars) {
                out.row(table == Table.DAILY ? 13 : 15).text(b.symbol().value());
                if (table == Table.INTRADAY) {
                    out.text(b.interval().code()).timestamptz(b.ts());
                }
                out.date(b.date()).float8(b.open()).float8(b.high()).float8(b.low()).float8(b.close()).float8(b.adjClose())
                        .int8(b.volume()).float8(b.vwap()).int8(b.transactions()).text(b.source()).text(b.venue().code())
                        .timestamptz(ingestTs);
            }
            return out.finish();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /** PRODUCT.md's row rules as SQL over the staging table ({@link PostgresGate}); any breach stops the whole load. */
    private void gate(String rows) throws SQLException {
        PostgresGate.Breaches breaches = PostgresGate.check(c, rows, RowRules.BAR, "symbol");
        if (breaches != null) {
            throw new IngestException(ErrorKind.DQ_GATE, "Data-quality gate refused " + what + " for " + sinkName + ": "
                    + breaches.describe(count -> count.rows() + " with " + count.clause().summary()) + " (symbols: " + breaches.labels()
                    + "); rolled back, production tables unchanged");
        }
    }

    /** The series that already hold at least one row between their first and last position of this load. */
    private Set<String> storedSeries(Table table, Map<String, Span> spans) throws SQLException {
        // a correlated LIMIT 1 subquery: one primary-key probe per series whatever the table statistics say (a
        // semi-join let the planner scan the whole table on every load)
        String sql = "SELECT r.symbol, r.interval FROM " + spanTable(table) + " WHERE (SELECT t." + table.position + " FROM " + table.target
                + " t WHERE t.symbol = r.symbol" + (table == Table.DAILY ? "" : " AND t.interval = r.interval") + " AND t." + table.position + " >= r.lo"
                + " ORDER BY " + table.key + " LIMIT 1) <= r.hi";
        Set<String> stored = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindSpans(ps, spans);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.add(table == Table.DAILY ? rs.getString(1) : rs.getString(1) + "\t" + rs.getString(2));
                }
            }
        }
        return stored;
    }

    /** {@code EXISTS} / {@code NOT EXISTS} condition on staging row {@code s} for a list of series (bound as two arrays). */
    private static String inSeries(Table table, boolean in) {
        return (in ? "" : "NOT ") + "EXISTS (SELECT 1 FROM unnest(?::text[], ?::text[]) AS o(symbol, interval) WHERE o.symbol = s.symbol"
                + (table == Table.DAILY ? "" : " AND o.interval = s.interval") + ")";
    }

    private void bindSeries(PreparedStatement ps, List<String> series) throws SQLException {
        ps.setArray(1, c.createArrayOf("text", series.stream().map(x -> x.split("\t")[0]).toArray()));
        ps.setArray(2, c.createArrayOf("text", series.stream().map(x -> x.contains("\t") ? x.split("\t")[1] : "").toArray()));
    }

    /** Inserts the staging rows of the series not in {@code stored}; daily, adds them to prices_daily_months in the same statement. */
    private long insertNew(Table table, List<String> stored) throws SQLException {
        String insert = "INSERT INTO " + table.target + " (" + table.cols + ") SELECT " + table.cols + " FROM " + table.stage + " s"
                + (stored.isEmpty() ? "" : " WHERE " + inSeries(table, false));
        String sql = table == Table.DAILY
                ? "WITH ins AS (" + insert + " RETURNING symbol, date), " + PriceMonths.addFrom("ins") + " SELECT count(*) FROM ins"
                : insert;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (!stored.isEmpty()) {
                bindSeries(ps, stored);
            }
            if (table != Table.DAILY) {
                return ps.executeUpdate();
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Upserts the staging rows of {@code series} (all of them when null); adds each changed symbol's earliest changed date. */
    private long upsert(Table table, List<String> series, Map<String, LocalDate> since) throws SQLException {
        StringBuilder set = new StringBuilder();
        StringBuilder old = new StringBuilder();
        StringBuilder neu = new StringBuilder();
        for (String v : VALUE_COLS.split(", ")) {
            set.append(v).append(" = EXCLUDED.").append(v).append(", ");
            old.append(old.isEmpty() ? "" : ", ").append("t.").append(v);
            neu.append(neu.isEmpty() ? "" : ", ").append("EXCLUDED.").append(v);
        }
        // unchanged rows are dropped by an anti-join first: far cheaper than letting ON CONFLICT visit each of them
        StringBuilder same = new StringBuilder();
        for (String k : table.key.split(", ")) {
            same.append("u.").append(k).append(" = s.").append(k).append(" AND ");
        }
        String unchanged = "NOT EXISTS (SELECT 1 FROM " + table.target + " u WHERE " + same + "(" + old.toString().replace("t.", "u.") + ") IS NOT DISTINCT FROM ("
                + neu.toString().replace("EXCLUDED.", "s.") + "))";
        String sql = "WITH up AS (INSERT INTO " + table.target + " AS t (" + table.cols + ") SELECT " + table.cols + " FROM " + table.stage + " s"
                + " WHERE " + unchanged + (series == null ? "" : " AND " + inSeries(table, true))
                + " ON CONFLICT (" + table.key + ") DO UPDATE SET " + set + "ingest_ts = EXCLUDED.ingest_ts"
                + " WHERE (" + old + ") IS DISTINCT FROM (" + neu + ") RETURNING t.symbol, t.date, t.xmax = 0 AS inserted)"
                // daily: the inserted rows (not the updated ones: xmax = 0) go to prices_daily_months in the same statement
                + (table == Table.DAILY ? ", ins AS (SELECT symbol, date FROM up WHERE inserted), " + PriceMonths.addFrom("ins") : "")
                + " SELECT symbol, count(*), min(date) FROM up GROUP BY symbol";
        long total = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (series != null) {
                bindSeries(ps, series);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    since.merge(rs.getString(1), rs.getObject(3, LocalDate.class), (x, y) -> x.isBefore(y) ? x : y);
                    total += rs.getLong(2);
                }
            }
        }
        return total;
    }
}
