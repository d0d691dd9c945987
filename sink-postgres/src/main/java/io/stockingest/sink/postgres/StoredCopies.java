package io.stockingest.sink.postgres;

import io.stockingest.core.model.Bar;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;

/**
 * Leaves out of a daily load the bars that {@code prices_daily} already holds with the same values (ingest_ts aside),
 * as the upsert's {@code IS DISTINCT FROM} would: the stored rows of the load's stored series in their spans are read
 * with one binary {@code COPY ... TO STDOUT} (a sequential stream, cheaper than staging every bar and probing the key
 * index for each) and compared in memory. A rerun that changes nothing then stages, gates and upserts nothing. Reads
 * inside the caller's transaction; not thread-safe.
 */
final class StoredCopies {
    private static final long PG_EPOCH_DAY = LocalDate.of(2000, 1, 1).toEpochDay();
    /** Symbols are validated ({@code Symbol}); checked again because they are spelled into the COPY's query. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9.^=_-]+");

    private StoredCopies() {}

    /** {@code bars} without those stored unchanged; {@code spans} maps each stored symbol to its first and last date in the load. */
    static List<Bar> without(Connection c, List<Bar> bars, Map<String, LocalDate[]> spans) throws SQLException {
        StringBuilder symbols = new StringBuilder();
        StringBuilder from = new StringBuilder();
        StringBuilder to = new StringBuilder();
        for (var e : spans.entrySet()) {
            if (!SAFE.matcher(e.getKey()).matches()) {
                return bars; // not expected for a validated symbol: compare nothing, the upsert still skips unchanged rows
            }
            symbols.append(symbols.isEmpty() ? "" : ",").append('"').append(e.getKey()).append('"');
            from.append(from.isEmpty() ? "" : ",").append(e.getValue()[0]);
            to.append(to.isEmpty() ? "" : ",").append(e.getValue()[1]);
        }
        String sql = "COPY (SELECT p.symbol, p.date, " + BarLoader.VALUE_COLS.replace(", ", ", p.").replaceFirst("^", "p.")
                + " FROM unnest('{" + symbols + "}'::text[], '{" + from + "}'::date[], '{" + to + "}'::date[]) AS r(symbol, lo, hi)"
                + " JOIN prices_daily p ON p.symbol = r.symbol AND p.date BETWEEN r.lo AND r.hi) TO STDOUT (FORMAT binary)";
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, out);
        } catch (IOException e) {
            throw new SQLException("Cannot read the stored rows to compare: " + e.getMessage(), e);
        }
        Map<String, Stored> stored = parse(ByteBuffer.wrap(out.toByteArray()));
        List<Bar> differing = new ArrayList<>();
        for (Bar b : bars) {
            Stored s = stored.get(b.symbol().value() + "|" + b.date());
            if (s == null || !s.sameAs(b)) {
                differing.add(b);
            }
        }
        return differing.size() == bars.size() ? bars : differing;
    }

    /** A stored row's values. */
    private record Stored(double open, double high, double low, double close, Double adjClose, long volume, Double vwap, Long transactions, String source, String venue) {
        /** As PostgreSQL's {@code IS NOT DISTINCT FROM} on float8 would judge (NaN equals NaN, -0 equals 0). */
        boolean sameAs(Bar b) {
            return same(open, b.open()) && same(high, b.high()) && same(low, b.low()) && same(close, b.close()) && same(adjClose, b.adjClose())
                    && volume == b.volume() && same(vwap, b.vwap()) && Objects.equals(transactions, b.transactions()) && source.equals(b.source())
                    && Objects.equals(venue, b.venue().code());
        }

        private static boolean same(double x, double y) {
            return x == y || (Double.isNaN(x) && Double.isNaN(y));
        }

        private static boolean same(Double x, Double y) {
            return x == null ? y == null : y != null && same(x.doubleValue(), y.doubleValue());
        }
    }

    /** Reads a binary COPY stream of (symbol, date, open, high, low, close, adj_close, volume, vwap, transactions, source, venue). */
    private static Map<String, Stored> parse(ByteBuffer in) {
        Map<String, Stored> out = new HashMap<>();
        in.position(11 + 4); // signature and flags
        in.position(in.position() + 4 + in.getInt(in.position())); // header extension
        while (in.remaining() >= 2) {
            short fields = in.getShort();
            if (fields < 0) {
                break;
            }
            String symbol = text(in);
            in.getInt();
            LocalDate date = LocalDate.ofEpochDay(PG_EPOCH_DAY + in.getInt());
            double open = float8(in);
            double high = float8(in);
            double low = float8(in);
            double close = float8(in);
            Double adjClose = in.getInt(in.position()) < 0 ? skipNull(in) : (Double) float8(in);
            in.getInt();
            long volume = in.getLong();
            Double vwap = in.getInt(in.position()) < 0 ? skipNull(in) : (Double) float8(in);
            Long transactions = null;
            if (in.getInt() >= 0) {
                transactions = in.getLong();
            }
            String source = text(in);
            String venue = in.getInt(in.position()) < 0 ? skipNullText(in) : text(in); // null in rows stored before V7
            out.put(symbol + "|" + date, new Stored(open, high, low, close, adjClose, volume, vwap, transactions, source, venue));
        }
        return out;
    }

    private static String text(ByteBuffer in) {
        int length = in.getInt();
        String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    private static double float8(ByteBuffer in) {
        in.getInt();
        return in.getDouble();
    }

    private static String skipNullText(ByteBuffer in) {
        in.getInt();
        return null;
    }

    private static Double skipNull(ByteBuffer in) {
        in.getInt();
        return null;
    }
}
