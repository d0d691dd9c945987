package io.stockingest.sink.postgres;

import io.stockingest.core.model.Bar;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code prices_daily_months} summary (V10: per symbol and month the rows {@code prices_daily} holds, their first
 * and last date; V11: which days of the month, as bits), kept by the daily load in its own transaction: every row the load inserts is added to its month. A
 * row updated in place changes nothing there, and the sink never deletes a price row (V10's triggers recount the
 * months of a delete from outside). Additions and ORs commute, so concurrent loads (shards) keep it exact; the rows are
 * touched in key order so two loads cannot deadlock on them. Stateless.
 */
final class PriceMonths {
    private static final String UPSERT = "INSERT INTO prices_daily_months AS m (symbol, month, sessions, first_date, last_date, days) %s"
            + " ON CONFLICT (symbol, month) DO UPDATE SET sessions = m.sessions + EXCLUDED.sessions,"
            + " first_date = least(m.first_date, EXCLUDED.first_date), last_date = greatest(m.last_date, EXCLUDED.last_date),"
            + " days = m.days | EXCLUDED.days";

    /** SQL: the {@code days} bit of a {@code date} column (bit d-1 for day d of the month, V11). */
    static String dayBit(String column) {
        return "(1 << (extract(day FROM " + column + ")::int - 1))";
    }

    private PriceMonths() {}

    /**
     * A data-modifying {@code WITH} item (to follow others, after a comma) that adds the rows of {@code inserted}, a
     * {@code WITH} item of the same statement with columns {@code symbol} and {@code date} holding only inserted rows.
     */
    static String addFrom(String inserted) {
        return "months AS (" + UPSERT.formatted("SELECT symbol, date_trunc('month', date)::date, count(*), min(date), max(date), bit_or(" + dayBit("date") + ") FROM " + inserted
                + " GROUP BY 1, 2 ORDER BY 1, 2") + ")";
    }

    /** Adds {@code inserted} (daily bars that the caller's transaction has just inserted, each key once). */
    static void add(Connection c, List<Bar> inserted) throws SQLException {
        // one hash lookup per bar (a fresh backfill adds 1.25 M); the statement sorts the months (key order, as the WITH form)
        record Month(String symbol, LocalDate month) {}
        final class Held {
            int sessions;
            int days;
            LocalDate first;
            LocalDate last;
        }
        Map<Month, Held> months = new HashMap<>();
        for (Bar b : inserted) {
            Held held = months.computeIfAbsent(new Month(b.symbol().value(), b.date().withDayOfMonth(1)), k -> new Held());
            held.sessions++;
            held.days |= 1 << (b.date().getDayOfMonth() - 1);
            held.first = held.first == null || b.date().isBefore(held.first) ? b.date() : held.first;
            held.last = held.last == null || b.date().isAfter(held.last) ? b.date() : held.last;
        }
        if (months.isEmpty()) {
            return;
        }
        List<Month> keys = new ArrayList<>(months.keySet());
        int n = keys.size();
        String[] symbols = new String[n];
        String[] firstDays = new String[n];
        Integer[] sessions = new Integer[n];
        String[] first = new String[n];
        String[] last = new String[n];
        Integer[] days = new Integer[n];
        for (int i = 0; i < n; i++) {
            Held held = months.get(keys.get(i));
            symbols[i] = keys.get(i).symbol();
            firstDays[i] = keys.get(i).month().toString();
            sessions[i] = held.sessions;
            first[i] = held.first.toString();
            last[i] = held.last.toString();
            days[i] = held.days;
        }
        String sql = UPSERT.formatted("SELECT * FROM unnest(?::text[], ?::text[]::date[], ?::int[], ?::text[]::date[], ?::text[]::date[], ?::int[]) ORDER BY 1, 2");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", symbols));
            ps.setArray(2, c.createArrayOf("text", firstDays));
            ps.setArray(3, c.createArrayOf("int4", sessions));
            ps.setArray(4, c.createArrayOf("text", first));
            ps.setArray(5, c.createArrayOf("text", last));
            ps.setArray(6, c.createArrayOf("int4", days));
            ps.executeUpdate();
        }
    }
}
