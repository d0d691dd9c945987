package io.stockingest.sink.snowflake;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.features.FeatureCalculator;
import io.stockingest.core.features.FeatureSeries;
import io.stockingest.core.features.Session;
import io.stockingest.core.features.StoredTail;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The features of a Snowflake load's daily bars ({@link FeatureCalculator}): per symbol from its first loaded session
 * on, over the loaded bars and the sessions stored after the last of them, with the {@link StoredTail} of the 49
 * stored sessions before; one query reads both for every symbol of the load ({@link SnowflakeStatements#storedSessions}).
 * It runs before the load's merges, so what it reads is what the tables held before this load.
 *
 * <p>Used by one flush at a time; not thread-safe.
 */
final class SnowflakeFeatures implements StoredTail {
    private final SnowflakeStatements sql;
    private final SqlExecutor executor;

    SnowflakeFeatures(SnowflakeStatements sql, SqlExecutor executor) {
        this.sql = requireNonNull(sql, "sql is null");
        this.executor = requireNonNull(executor, "executor is null");
    }

    /** The features of each symbol's loaded bars (by date), from its first loaded session on. */
    List<FeatureSeries> compute(Map<Symbol, NavigableMap<LocalDate, Bar>> loaded) {
        Map<Symbol, DateRange> spans = new LinkedHashMap<>();
        loaded.forEach((symbol, bars) -> spans.put(symbol, new DateRange(bars.firstKey(), bars.lastKey())));
        Map<Symbol, List<Session>> tails = new HashMap<>();
        Map<Symbol, List<Session>> after = new HashMap<>();
        read(spans, tails, after);
        List<FeatureSeries> out = new ArrayList<>(loaded.size());
        loaded.forEach((symbol, bars) -> {
            List<Session> sessions = new ArrayList<>(bars.size());
            bars.values().forEach(bar -> sessions.add(Session.of(bar)));
            sessions.addAll(after.getOrDefault(symbol, List.of()));
            out.add(FeatureCalculator.compute(symbol, tails.getOrDefault(symbol, List.of()), sessions));
        });
        return out;
    }

    @Override
    public Map<Symbol, List<Session>> before(Map<Symbol, LocalDate> firstChanged) {
        Map<Symbol, DateRange> spans = new LinkedHashMap<>();
        firstChanged.forEach((symbol, first) -> spans.put(symbol, new DateRange(first, LocalDate.of(9999, 12, 31))));
        Map<Symbol, List<Session>> tails = new HashMap<>();
        read(spans, tails, new HashMap<>());
        return tails;
    }

    private void read(Map<Symbol, DateRange> spans, Map<Symbol, List<Session>> tails, Map<Symbol, List<Session>> after) {
        if (spans.isEmpty()) {
            return;
        }
        for (Map<String, Object> row : executor.query(sql.storedSessions(spans, SESSIONS))) {
            Symbol symbol = new Symbol(row.get("SYMBOL").toString());
            Session session = new Session(LocalDate.parse(row.get("DATE").toString()), number(row.get("OPEN")), number(row.get("HIGH")),
                    number(row.get("LOW")), number(row.get("CLOSE")), ((Number) row.get("VOLUME")).longValue());
            ("tail".equals(row.get("PART")) ? tails : after).computeIfAbsent(symbol, s -> new ArrayList<>()).add(session);
        }
        tails.values().forEach(list -> list.sort(java.util.Comparator.comparing(Session::date)));
        after.values().forEach(list -> list.sort(java.util.Comparator.comparing(Session::date)));
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }
}
