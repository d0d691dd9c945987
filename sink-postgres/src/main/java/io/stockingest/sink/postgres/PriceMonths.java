package io.stockingest.sink.postgres;

import io.stockingest.core.model.Bar;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code prices_daily_months} summary (V10: per symbol and month the rows {@code prices_daily} holds, their first
 * and last date), kept by the daily load in its own transaction: every row the load inserts is added to its month. A
 * row updated in place changes nothing there, and the sink never deletes a price row (V10's triggers recount the
 * months of a delete from outside). Additions commute, so concurrent loads (shards) keep it exact; the rows are
 * touched in key order so two loads cannot deadlock on them. Stateless.
 */
final class PriceMonths {
    private static final String UPSERT = "INSERT INTO prices_daily_months AS m (symbol, month, sessions, first_date, last_date) %s"
            + " ON CONFLICT (symbol, month) DO UPDATE SET sessions = m.sessions + EXCLUDED.sessions,"
            + " first_date = least(m.first_date, EXCLUDED.first_date), last_date = greatest(m.last_date, EXCLUDED.last_date)";

    private PriceMonths() {}

    /**
     * A data-modifying {@code WITH} item (to follow others, after a comma) that adds the rows of {@code inserted}, a
     * {@code WITH} item of the same statement with columns {@code symbol} and {@code date} holding only inserted rows.
     */
    static String addFrom(String inserted) {
        return "months AS (" + UPSERT.formatted("SELECT symbol, date_trunc('month', date)::date, count(*), min(date), max(date) FROM " + inserted
                + " GROUP BY 1, 2 ORDER BY 1, 2") + ")";
    }

    /** Adds {@code inserted} (daily bars that the caller's transaction has just inserted, each key once). */
    static void add(Connection c, List<Bar> inserted) throws SQLException {
        record Month(String symbol, LocalDate month) implements Comparable<Month> {
            @Override
            public int compareTo(Month o) {
                int bySymbol = symbol.compareTo(o.symbol);
                return bySymbol != 0 ? bySymbol : month.compareTo(o.month);
            }
        }
        Map<Month, LocalDate[]> spans = new TreeMap<>();
        Map<Month, Integer> counts = new TreeMap<>();
        for (Bar b : inserted) {
            Month m = new Month(b.symbol().value(), b.date().withDayOfMonth(1));
            counts.merge(m, 1, Integer::sum);
            LocalDate[] span = spans.computeIfAbsent(m, k -> new LocalDate[] {b.date(), b.date()});
            span[0] = b.date().isBefore(span[0]) ? b.date() : span[0];
            span[1] = b.date().isAfter(span[1]) ? b.date() : span[1];
        }
        if (counts.isEmpty()) {
            return;
        }
        int n = counts.size();
        String[] symbols = new String[n];
        String[] months = new String[n];
        Integer[] sessions = new Integer[n];
        String[] first = new String[n];
        String[] last = new String[n];
        int i = 0;
        for (var e : counts.entrySet()) {
            symbols[i] = e.getKey().symbol();
            months[i] = e.getKey().month().toString();
            sessions[i] = e.getValue();
            first[i] = spans.get(e.getKey())[0].toString();
            last[i] = spans.get(e.getKey())[1].toString();
            i++;
        }
        String sql = UPSERT.formatted("SELECT * FROM unnest(?::text[], ?::text[]::date[], ?::int[], ?::text[]::date[], ?::text[]::date[]) ORDER BY 1, 2");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", symbols));
            ps.setArray(2, c.createArrayOf("text", months));
            ps.setArray(3, c.createArrayOf("int4", sessions));
            ps.setArray(4, c.createArrayOf("text", first));
            ps.setArray(5, c.createArrayOf("text", last));
            ps.executeUpdate();
        }
    }
}
