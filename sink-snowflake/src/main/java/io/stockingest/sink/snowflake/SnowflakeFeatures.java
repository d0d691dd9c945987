package io.stockingest.sink.snowflake;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.features.FeatureCalculator;
import io.stockingest.core.features.FeatureSeries;
import io.stockingest.core.features.Session;
import io.stockingest.core.features.StoredTail;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Symbol;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The features of a Snowflake load's daily bars ({@link FeatureCalculator}): per symbol from its first loaded session
 * on, over the sessions the table holds from there once the load is merged (the stored ones, a loaded bar replacing
 * the stored one of its date: stored sessions between the loaded bars count too, as after a late bar), with the
 * {@link StoredTail} of the 49 stored sessions before; one query reads both for every symbol of the load
 * ({@link SnowflakeStatements#storedSessions}). When the newest session of that tail has no feature row (stored with
 * {@code --no-features}), the symbol's whole series is recomputed instead, as the lake does. It runs before the load's
 * merges, so what it reads is what the tables held before this load.
 *
 * <p>Used by one flush at a time; not thread-safe.
 */
final class SnowflakeFeatures implements StoredTail {
    /** Before any stored session: the first loaded date of a series recomputed whole. */
    private static final LocalDate SERIES_START = LocalDate.of(1, 1, 1);

    private final SnowflakeStatements sql;
    private final SqlExecutor executor;

    SnowflakeFeatures(SnowflakeStatements sql, SqlExecutor executor) {
        this.sql = requireNonNull(sql, "sql is null");
        this.executor = requireNonNull(executor, "executor is null");
    }

    /** The features of each symbol's loaded bars (by date), from its first loaded session on. */
    List<FeatureSeries> compute(Map<Symbol, NavigableMap<LocalDate, Bar>> loaded) {
        Map<Symbol, LocalDate> firsts = new LinkedHashMap<>();
        loaded.forEach((symbol, bars) -> firsts.put(symbol, bars.firstKey()));
        Map<Symbol, List<Session>> tails = new HashMap<>();
        Map<Symbol, List<Session>> stored = new HashMap<>();
        if (!firsts.isEmpty()) {
            read(sql.storedSessions(firsts, SESSIONS), tails, stored);
        }
        // a tail without features (stored with --no-features, or before schema version 4): recompute the whole
        // series, as the lake does, so every sink holds the rows of a full recomputation
        Map<Symbol, LocalDate> newest = new LinkedHashMap<>();
        tails.forEach((symbol, tail) -> newest.put(symbol, tail.getLast().date()));
        if (!newest.isEmpty()) {
            Map<Symbol, LocalDate> whole = new LinkedHashMap<>();
            for (Map<String, Object> row : executor.query(sql.withoutFeatures(newest))) {
                whole.put(new Symbol(row.get("SYMBOL").toString()), SERIES_START);
            }
            if (!whole.isEmpty()) {
                whole.keySet().forEach(symbol -> {
                    tails.remove(symbol);
                    stored.remove(symbol);
                });
                read(sql.storedSessions(whole, SESSIONS), new HashMap<>(), stored);
            }
        }
        List<FeatureSeries> out = new ArrayList<>(loaded.size());
        loaded.forEach((symbol, bars) -> {
            TreeMap<LocalDate, Session> sessions = new TreeMap<>();
            stored.getOrDefault(symbol, List.of()).forEach(session -> sessions.put(session.date(), session));
            bars.values().forEach(bar -> sessions.put(bar.date(), Session.of(bar)));
            out.add(FeatureCalculator.compute(symbol, tails.getOrDefault(symbol, List.of()), List.copyOf(sessions.values())));
        });
        return out;
    }

    @Override
    public Map<Symbol, List<Session>> before(Map<Symbol, LocalDate> firstChanged) {
        Map<Symbol, List<Session>> tails = new HashMap<>();
        if (!firstChanged.isEmpty()) {
            read(sql.storedTail(firstChanged, SESSIONS), tails, new HashMap<>());
        }
        return tails;
    }

    /** Runs {@code query} ({@link SnowflakeStatements#storedSessions} or its tail part), sorting its rows into {@code tails} and {@code from}. */
    private void read(String query, Map<Symbol, List<Session>> tails, Map<Symbol, List<Session>> from) {
        for (Map<String, Object> row : executor.query(query)) {
            Symbol symbol = new Symbol(row.get("SYMBOL").toString());
            Session session = new Session(LocalDate.parse(row.get("DATE").toString()), number(row.get("OPEN")), number(row.get("HIGH")),
                    number(row.get("LOW")), number(row.get("CLOSE")), ((Number) row.get("VOLUME")).longValue());
            ("tail".equals(row.get("PART")) ? tails : from).computeIfAbsent(symbol, s -> new ArrayList<>()).add(session);
        }
        tails.values().forEach(list -> list.sort(java.util.Comparator.comparing(Session::date)));
        from.values().forEach(list -> list.sort(java.util.Comparator.comparing(Session::date)));
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }
}
