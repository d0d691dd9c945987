package io.stockingest.sink.postgres;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.features.FeatureCalculator;
import io.stockingest.core.features.FeatureSeries;
import io.stockingest.core.features.Session;
import io.stockingest.core.features.StoredTail;
import io.stockingest.core.http.Secrets;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Symbol;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Stores {@code price_features} and {@code price_cumulative_7d} (definitions in V3__features.sql) for the symbols a
 * load changed, inside the load's transaction, after its gate: the features are computed in Java by
 * {@link FeatureCalculator} from each symbol's first changed session on, over the sessions stored from there (the
 * load's own bars where nothing else is stored from there, else the stored rows read back) and the
 * {@link StoredTail} of the 49 stored sessions before it; the rows from that session on are deleted and the new ones
 * written by binary COPY. Every window looks back only, so rows before the first changed session cannot change. When
 * the newest session of that tail has no feature row (stored with {@code --no-features} or {@code PG_FEATURES=false}),
 * the symbol's whole series is recomputed instead, as the lake does.
 *
 * <p>Used by one load on one connection; not thread-safe.
 */
final class FeatureWriter implements StoredTail {
    private static final int FLOAT8 = 701;
    private static final int INT8 = 20;
    private static final String COLUMNS = "date, open, high, low, close, volume";
    /** Before any stored session: the first changed session of a series recomputed whole. */
    private static final LocalDate SERIES_START = LocalDate.of(1, 1, 1);

    private final Connection c;
    private final Map<String, Long> phases;

    FeatureWriter(Connection c, Map<String, Long> phases) {
        this.c = c;
        this.phases = phases;
    }

    /**
     * @param since per symbol, its first changed session
     * @param loaded per symbol, the daily bars of this load by date
     * @param fresh the symbols that had nothing stored between their first and last loaded date before the load: from
     *     {@code since} on, the store holds the loaded bars and whatever lies after the last of them
     */
    void write(Map<String, LocalDate> since, Map<String, NavigableMap<LocalDate, Bar>> loaded, Set<String> fresh) throws SQLException {
        if (since.isEmpty()) {
            return;
        }
        long t = System.nanoTime();
        Map<Symbol, LocalDate> firstChanged = new LinkedHashMap<>();
        since.forEach((symbol, first) -> firstChanged.put(new Symbol(symbol), first));
        Map<Symbol, List<Session>> tails = tails(firstChanged);
        // a tail without features (stored with --no-features or PG_FEATURES=false): recompute the whole series, as
        // the lake does, so every sink holds the rows of a full recomputation
        Set<String> uncovered = withoutFeatures(tails);
        if (!uncovered.isEmpty()) {
            since = new LinkedHashMap<>(since);
            fresh = new java.util.HashSet<>(fresh);
            for (String symbol : uncovered) {
                since.put(symbol, SERIES_START);
                fresh.remove(symbol);
                tails.remove(new Symbol(symbol));
            }
        }
        // what else is stored from the first changed session on: after the last loaded bar (fresh), or all of it
        Set<String> freshSymbols = fresh;
        Map<String, LocalDate> readFrom = new LinkedHashMap<>();
        since.forEach((symbol, first) -> readFrom.put(symbol, freshSymbols.contains(symbol) ? loaded.get(symbol).lastKey().plusDays(1) : first));
        Map<String, List<Session>> stored = sessions("p.date >= x.since ORDER BY p.date", readFrom);
        t = lap("features: read stored sessions", t);

        List<FeatureSeries> computed = new ArrayList<>(since.size());
        for (var e : since.entrySet()) {
            String symbol = e.getKey();
            List<Session> from;
            if (fresh.contains(symbol)) {
                from = new ArrayList<>();
                for (Bar b : loaded.get(symbol).tailMap(e.getValue(), true).values()) {
                    from.add(Session.of(b));
                }
                from.addAll(stored.getOrDefault(symbol, List.of()));
            } else {
                from = stored.getOrDefault(symbol, List.of());
            }
            Symbol s = new Symbol(symbol);
            computed.add(FeatureCalculator.compute(s, tails.getOrDefault(s, List.of()), from));
        }
        t = lap("features: compute", t);

        for (String table : new String[] {"price_features", "price_cumulative_7d"}) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE symbol = ? AND date >= ?")) {
                for (var e : since.entrySet()) {
                    ps.setString(1, e.getKey());
                    ps.setObject(2, e.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        t = lap("features: delete from the first changed session", t);
        copyFeatures(computed);
        t = lap("features: copy price_features", t);
        copyCumulative(computed);
        lap("features: copy price_cumulative_7d", t);
    }

    /** The symbols whose newest tail session has no {@code price_features} row: one key lookup per symbol. */
    private Set<String> withoutFeatures(Map<Symbol, List<Session>> tails) throws SQLException {
        Map<String, LocalDate> newest = new LinkedHashMap<>();
        tails.forEach((symbol, tail) -> {
            if (!tail.isEmpty()) {
                newest.put(symbol.value(), tail.getLast().date());
            }
        });
        Set<String> out = new java.util.HashSet<>();
        if (newest.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT x.symbol FROM unnest(?::text[], ?::date[]) AS x(symbol, date)"
                + " WHERE NOT EXISTS (SELECT 1 FROM price_features f WHERE f.symbol = x.symbol AND f.date = x.date)")) {
            ps.setArray(1, c.createArrayOf("text", newest.keySet().toArray()));
            ps.setArray(2, c.createArrayOf("date", newest.values().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The last 49 stored sessions before each symbol's date, by one index range scan per symbol. */
    @Override
    public Map<Symbol, List<Session>> before(Map<Symbol, LocalDate> firstChanged) {
        try {
            return tails(firstChanged);
        } catch (SQLException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read the stored sessions before " + firstChanged.size() + " symbols' first changed dates: "
                    + Secrets.redact(e.getMessage()), e);
        }
    }

    private Map<Symbol, List<Session>> tails(Map<Symbol, LocalDate> firstChanged) throws SQLException {
        Map<String, LocalDate> dates = new LinkedHashMap<>();
        firstChanged.forEach((symbol, date) -> dates.put(symbol.value(), date));
        Map<Symbol, List<Session>> out = new HashMap<>();
        sessions("p.date < x.since ORDER BY p.date DESC LIMIT " + SESSIONS, dates).forEach((symbol, newestFirst) ->
                out.put(new Symbol(symbol), newestFirst.reversed()));
        return out;
    }

    /** Per symbol, the stored daily sessions {@code p} that {@code where} picks given its date {@code x.since}. */
    private Map<String, List<Session>> sessions(String where, Map<String, LocalDate> dates) throws SQLException {
        String sql = "SELECT x.symbol, p." + COLUMNS.replace(", ", ", p.") + " FROM unnest(?::text[], ?::date[]) AS x(symbol, since)"
                + " CROSS JOIN LATERAL (SELECT " + COLUMNS + " FROM prices_daily p WHERE p.symbol = x.symbol AND " + where + ") p";
        Map<String, List<Session>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", dates.keySet().toArray()));
            ps.setArray(2, c.createArrayOf("date", dates.values().toArray()));
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Session(rs.getObject(2, LocalDate.class),
                            rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6), rs.getLong(7)));
                }
            }
        }
        return out;
    }

    private void copyFeatures(List<FeatureSeries> computed) throws SQLException {
        copy("price_features (symbol, date, close, ma_20, ma_50, volatility_20d)", computed, (out, f, i) -> {
            out.row(6).text(f.symbol().value()).date(f.date(i)).float8(f.close(i));
            orNull(out, f.ma20(i));
            orNull(out, f.ma50(i));
            orNull(out, f.volatility20d(i));
        });
    }

    private void copyCumulative(List<FeatureSeries> computed) throws SQLException {
        copy("price_cumulative_7d (symbol, date, opens, highs, lows, closes, volumes, avg_7_day_volume, volatility_7_day)", computed, (out, f, i) -> {
            int n = f.cumulativeLength(i);
            out.row(9).text(f.symbol().value()).date(f.date(i));
            array(out, n, k -> f.open(i, k));
            array(out, n, k -> f.high(i, k));
            array(out, n, k -> f.low(i, k));
            array(out, n, k -> f.close(i, k));
            out.array(INT8, n);
            for (int k = 0; k < n; k++) {
                out.int8(f.volume(i, k));
            }
            orNull(out, f.avg7DayVolume(i));
            orNull(out, f.volatility7Day(i));
        });
    }

    private static void array(BinaryCopy out, int n, java.util.function.IntToDoubleFunction element) throws SQLException {
        out.array(FLOAT8, n);
        for (int k = 0; k < n; k++) {
            out.float8(element.applyAsDouble(k));
        }
    }

    /** One row of {@code f} (its row {@code i}) in binary COPY format. */
    private interface RowWriter {
        void write(BinaryCopy out, FeatureSeries f, int i) throws SQLException;
    }

    /** A binary COPY into {@code target} of every row of {@code computed}. */
    private void copy(String target, List<FeatureSeries> computed, RowWriter row) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + target + " FROM STDIN (FORMAT binary)");
        try {
            BinaryCopy out = new BinaryCopy(in);
            for (FeatureSeries f : computed) {
                for (int i = 0; i < f.size(); i++) {
                    row.write(out, f, i);
                }
            }
            out.finish();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /** A feature not defined yet (NaN) is stored as null. */
    private static void orNull(BinaryCopy out, double v) throws SQLException {
        if (Double.isNaN(v)) {
            out.nul();
        } else {
            out.float8(v);
        }
    }

    private long lap(String phase, long start) {
        long now = System.nanoTime();
        phases.merge(phase, now - start, Long::sum);
        return now;
    }
}
