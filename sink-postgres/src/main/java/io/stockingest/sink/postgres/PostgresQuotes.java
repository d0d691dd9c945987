package io.stockingest.sink.postgres;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.Secrets;
import io.stockingest.core.model.Quote;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.WriteResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;

/**
 * Writes {@code watch} quotes into the {@code quotes} table (V2, day fields V5) in one transaction: a batch insert
 * into a temporary staging table, then one {@code INSERT ... SELECT DISTINCT ON (symbol, ts) ... ON CONFLICT
 * (symbol, ts) DO UPDATE ... WHERE (old values) IS DISTINCT FROM (new values)}. A quote polled twice (the provider
 * had not traded since) is one row, and writing the same quotes again changes nothing ({@code ingest_ts} is not
 * compared), so a retried or repeated flush is harmless. Within one batch the last quote of a key wins.
 */
final class PostgresQuotes {
    private static final String COLS = "symbol, ts, price, bid, ask, volume, day_open, day_high, day_low, previous_close, market_state, source, ingest_ts";
    private static final String VALUES = "price, bid, ask, volume, day_open, day_high, day_low, previous_close, market_state, source";

    private final PostgresConfig config;
    private final PostgresAdmin admin;

    PostgresQuotes(PostgresConfig config, PostgresAdmin admin) {
        this.config = requireNonNull(config, "config is null");
        this.admin = requireNonNull(admin, "admin is null");
    }

    /** Upserts the quotes; returns the rows inserted or changed. */
    WriteResult write(List<Quote> quotes, RunContext context) {
        if (quotes.isEmpty()) {
            return WriteResult.NOTHING;
        }
        try (Connection c = admin.connect()) {
            c.setAutoCommit(false);
            try {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TEMP TABLE stage_quotes (seq bigint, LIKE quotes) ON COMMIT DROP");
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO stage_quotes (seq, " + COLS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                    Timestamp ingest = Timestamp.from(context.ingestTs());
                    long seq = 0;
                    for (Quote q : quotes) {
                        ps.setLong(1, seq++);
                        ps.setString(2, q.symbol().value());
                        ps.setTimestamp(3, Timestamp.from(q.time()));
                        ps.setDouble(4, q.price());
                        setDouble(ps, 5, q.bid());
                        setDouble(ps, 6, q.ask());
                        if (q.volume() == null) {
                            ps.setNull(7, Types.BIGINT);
                        } else {
                            ps.setLong(7, q.volume());
                        }
                        setDouble(ps, 8, q.dayOpen());
                        setDouble(ps, 9, q.dayHigh());
                        setDouble(ps, 10, q.dayLow());
                        setDouble(ps, 11, q.previousClose());
                        ps.setString(12, q.marketState());
                        ps.setString(13, q.source());
                        ps.setTimestamp(14, ingest);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                long changed;
                try (Statement st = c.createStatement()) {
                    changed = st.executeUpdate("INSERT INTO quotes (" + COLS + ") SELECT DISTINCT ON (symbol, ts) " + COLS
                            + " FROM stage_quotes ORDER BY symbol, ts, seq DESC ON CONFLICT (symbol, ts) DO UPDATE SET ("
                            + VALUES + ", ingest_ts) = (" + excluded(VALUES) + ", EXCLUDED.ingest_ts) WHERE (" + qualified(VALUES)
                            + ") IS DISTINCT FROM (" + excluded(VALUES) + ")");
                }
                c.commit();
                return new WriteResult(changed > 0 ? 1 : 0, changed > 0 ? 0 : 1, changed);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot write " + quotes.size() + " quotes to " + config.name() + " (rolled back, nothing stored): "
                    + Secrets.redact(e.getMessage()), e);
        }
    }

    private static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null || value.isNaN()) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }

    private static String excluded(String cols) {
        return "EXCLUDED." + cols.replace(", ", ", EXCLUDED.");
    }

    private static String qualified(String cols) {
        return "quotes." + cols.replace(", ", ", quotes.");
    }
}
