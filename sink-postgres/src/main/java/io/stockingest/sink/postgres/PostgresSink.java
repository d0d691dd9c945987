package io.stockingest.sink.postgres;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.Secrets;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.spi.WriteResult;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Stores bars in PostgreSQL.
 *
 * <p>{@link #writeBars} buffers batches (a batch written again before the load replaces the earlier copy, so a
 * pipeline retry is not loaded twice); when the buffer holds {@link PostgresConfig#bufferRows()} bars, and at
 * {@link #flush}, the buffered bars are loaded in ONE transaction: COPY (CSV, through PgJDBC's CopyManager) into a
 * temporary staging table, the data-quality gate as SQL on the staging table (PRODUCT.md row rules: prices present
 * and positive, {@code high >= max(open, close)}, {@code low <= min(open, close)}, volume not negative), then one
 * {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE (old) IS DISTINCT FROM (new)} per target table, so rows whose
 * values are unchanged are not touched (a rerun writes nothing; {@code ingest_ts} is not compared), then the
 * feature tables are refreshed for the symbols whose rows changed. A failing gate or a lost connection rolls the
 * whole load back, production untouched, and throws {@code DQ_GATE} / {@code SINK} naming the symbols. With
 * {@code PG_BUFFER_ROWS=0} every batch is its own load (one transaction per batch).
 *
 * <p>Statements, option snapshots and corporate actions are not buffered: each {@code write*} call is one load in
 * one transaction with the same discipline (staging, SQL gate, upsert of changed rows), by {@link FundamentalsWriter},
 * {@link OptionSnapshotsWriter} and {@link CorporateActionsWriter}.
 *
 * <p>Thread-safe: buffering is synchronized, loads run one at a time.
 */
public final class PostgresSink implements Sink {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VALUE_COLS = "open, high, low, close, adj_close, volume, vwap, transactions, source";
    private static final String DAILY_COLS = "symbol, date, " + VALUE_COLS + ", ingest_ts";
    private static final String INTRADAY_COLS = "symbol, interval, ts, date, " + VALUE_COLS + ", ingest_ts";

    private final PostgresConfig config;
    private final PostgresAdmin admin;
    private final Map<String, BarBatch> buffer = new LinkedHashMap<>();
    private long bufferedRows;
    private final ReentrantLock loadLock = new ReentrantLock();

    public PostgresSink(PostgresConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.admin = new PostgresAdmin(config);
        if (config.migrate()) {
            admin.migrate();
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public WriteResult writeBars(BarBatch batch) {
        List<BarBatch> toLoad = null;
        synchronized (this) {
            BarBatch previous = buffer.put(batch.symbol().value() + "|" + batch.interval().code() + "|" + batch.range(), batch);
            bufferedRows += batch.bars().size() - (previous == null ? 0 : previous.bars().size());
            if (bufferedRows >= config.bufferRows()) {
                toLoad = drain();
            }
        }
        if (toLoad != null) {
            load(toLoad);
        }
        return new WriteResult(batch.bars().isEmpty() ? 0 : 1, 0, batch.bars().size());
    }

    @Override
    public void flush() {
        List<BarBatch> toLoad;
        synchronized (this) {
            toLoad = drain();
        }
        load(toLoad);
    }

    private List<BarBatch> drain() {
        List<BarBatch> out = new ArrayList<>(buffer.values());
        buffer.clear();
        bufferedRows = 0;
        return out;
    }

    /** What one load changed: rows inserted or updated per table. */
    record LoadResult(long dailyChanged, long intradayChanged, TreeSet<String> changedDailySymbols) {}

    LoadResult load(List<BarBatch> batches) {
        List<Bar> daily = new ArrayList<>();
        List<Bar> intraday = new ArrayList<>();
        Instant ingestTs = null;
        for (BarBatch b : batches) {
            (b.interval() == Interval.D1 ? daily : intraday).addAll(b.bars());
            ingestTs = b.context().ingestTs();
        }
        if (daily.isEmpty() && intraday.isEmpty()) {
            return new LoadResult(0, 0, new TreeSet<>());
        }
        String what = describe(batches);
        loadLock.lock();
        try (Connection c = admin.connect()) {
            c.setAutoCommit(false);
            try {
                long dailyChanged = 0;
                long intradayChanged = 0;
                TreeSet<String> changed = new TreeSet<>();
                try (Statement st = c.createStatement()) {
                    if (!daily.isEmpty()) {
                        st.execute("CREATE TEMP TABLE stage_daily (LIKE prices_daily) ON COMMIT DROP");
                        copy(c, "COPY stage_daily (" + DAILY_COLS + ") FROM STDIN WITH (FORMAT csv)", daily, false, ingestTs);
                        gate(st, "stage_daily", what);
                        dailyChanged = upsert(st, "prices_daily", DAILY_COLS, "symbol, date", changed);
                    }
                    if (!intraday.isEmpty()) {
                        st.execute("CREATE TEMP TABLE stage_intraday (LIKE prices_intraday) ON COMMIT DROP");
                        copy(c, "COPY stage_intraday (" + INTRADAY_COLS + ") FROM STDIN WITH (FORMAT csv)", intraday, true, ingestTs);
                        gate(st, "stage_intraday", what);
                        intradayChanged = upsert(st, "prices_intraday", INTRADAY_COLS, "symbol, interval, ts", new TreeSet<>());
                    }
                }
                if (config.features() && !changed.isEmpty()) {
                    refreshFeatures(c, changed);
                }
                c.commit();
                return new LoadResult(dailyChanged, intradayChanged, changed);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (IngestException e) {
            throw e;
        } catch (SQLException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot load " + what + " into " + config.name() + " (rolled back, nothing stored): "
                    + Secrets.redact(e.getMessage()), e);
        } finally {
            loadLock.unlock();
        }
    }

    private static String describe(List<BarBatch> batches) {
        TreeSet<String> symbols = new TreeSet<>();
        long rows = 0;
        for (BarBatch b : batches) {
            symbols.add(b.symbol().value());
            rows += b.bars().size();
        }
        String names = symbols.size() <= 5 ? String.join(", ", symbols) : String.join(", ", symbols.stream().limit(5).toList()) + " and " + (symbols.size() - 5) + " more";
        return rows + " bars of " + names;
    }

    private static void copy(Connection c, String sql, List<Bar> bars, boolean intraday, Instant ingestTs) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            String ts = ingestTs == null ? "now" : ingestTs.toString();
            StringBuilder sb = new StringBuilder(1 << 20);
            for (Bar b : bars) {
                sb.append(b.symbol().value()).append(',');
                if (intraday) {
                    sb.append(b.interval().code()).append(',').append(b.ts()).append(',');
                }
                sb.append(b.date()).append(',')
                        .append(b.open()).append(',').append(b.high()).append(',').append(b.low()).append(',').append(b.close()).append(',');
                if (b.adjClose() != null) {
                    sb.append(b.adjClose().doubleValue());
                }
                sb.append(',').append(b.volume()).append(',');
                if (b.vwap() != null) {
                    sb.append(b.vwap().doubleValue());
                }
                sb.append(',');
                if (b.transactions() != null) {
                    sb.append(b.transactions().longValue());
                }
                sb.append(",\"").append(b.source().replace("\"", "\"\"")).append("\",").append(ts).append('\n');
                if (sb.length() > (1 << 20) - 512) {
                    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
                    in.writeToCopy(bytes, 0, bytes.length);
                    sb.setLength(0);
                }
            }
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            in.writeToCopy(bytes, 0, bytes.length);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /** PRODUCT.md's row rules as SQL over the staging table; any breach stops the whole load. */
    private void gate(Statement st, String stage, String what) throws SQLException {
        String bad = "('NaN' IN (open, high, low, close) OR open IS NULL OR high IS NULL OR low IS NULL OR close IS NULL"
                + " OR open <= 0 OR high <= 0 OR low <= 0 OR close <= 0)";
        String sql = "SELECT count(*) FILTER (WHERE " + bad + "),"
                + " count(*) FILTER (WHERE NOT " + bad + " AND high < greatest(open, close)),"
                + " count(*) FILTER (WHERE NOT " + bad + " AND low > least(open, close)),"
                + " count(*) FILTER (WHERE volume < 0),"
                + " string_agg(DISTINCT symbol, ', ') FILTER (WHERE " + bad + " OR high < greatest(open, close) OR low > least(open, close) OR volume < 0)"
                + " FROM " + stage;
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            long prices = rs.getLong(1);
            long high = rs.getLong(2);
            long low = rs.getLong(3);
            long volume = rs.getLong(4);
            if (prices + high + low + volume > 0) {
                List<String> broken = new ArrayList<>();
                if (prices > 0) {
                    broken.add(prices + " with a missing or non-positive price");
                }
                if (high > 0) {
                    broken.add(high + " with high < max(open, close)");
                }
                if (low > 0) {
                    broken.add(low + " with low > min(open, close)");
                }
                if (volume > 0) {
                    broken.add(volume + " with negative volume");
                }
                throw new IngestException(ErrorKind.DQ_GATE, "Data-quality gate refused " + what + " for " + config.name() + ": "
                        + String.join(", ", broken) + " (symbols: " + rs.getString(5) + "); rolled back, production tables unchanged");
            }
        }
    }

    private static long upsert(Statement st, String table, String cols, String key, TreeSet<String> changedSymbols) throws SQLException {
        String[] values = VALUE_COLS.split(", ");
        StringBuilder set = new StringBuilder();
        StringBuilder old = new StringBuilder();
        StringBuilder neu = new StringBuilder();
        for (String v : values) {
            set.append(v).append(" = EXCLUDED.").append(v).append(", ");
            old.append(old.isEmpty() ? "" : ", ").append("t.").append(v);
            neu.append(neu.isEmpty() ? "" : ", ").append("EXCLUDED.").append(v);
        }
        String sql = "WITH up AS (INSERT INTO " + table + " AS t (" + cols + ") SELECT " + cols + " FROM stage_" + table.substring("prices_".length())
                + " ON CONFLICT (" + key + ") DO UPDATE SET " + set + "ingest_ts = EXCLUDED.ingest_ts"
                + " WHERE (" + old + ") IS DISTINCT FROM (" + neu + ") RETURNING t.symbol)"
                + " SELECT symbol, count(*) FROM up GROUP BY symbol";
        long total = 0;
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                changedSymbols.add(rs.getString(1));
                total += rs.getLong(2);
            }
        }
        return total;
    }

    /**
     * Recomputes price_features and price_cumulative_7d for {@code symbols} from prices_daily (definitions in
     * V3__features.sql). Windows run over stored sessions (rows), not calendar days.
     */
    static void refreshFeatures(Connection c, java.util.Collection<String> symbols) throws SQLException {
        var names = c.createArrayOf("text", symbols.toArray());
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL work_mem = '256MB'"); // the window sorts stay in memory
        }
        for (String table : new String[] {"price_features", "price_cumulative_7d"}) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " t USING unnest(?::text[]) AS u(symbol) WHERE t.symbol = u.symbol")) {
                ps.setArray(1, names);
                ps.executeUpdate();
            }
        }
        // a join with the symbol list, not "symbol = ANY(array)": the planner may seq-scan with the array filter
        // applied to every row, which made refreshes quadratic as the table grew. One scan and one sort of the symbols' bars feed both tables
        String sql = "WITH s AS MATERIALIZED (SELECT symbol, date, open, high, low, close, volume,"
                + " ln(close / lag(close) OVER (PARTITION BY symbol ORDER BY date)) AS r"
                + " FROM prices_daily JOIN unnest(?::text[]) AS u(symbol) USING (symbol)),"
                + " f AS (INSERT INTO price_features (symbol, date, close, ma_20, ma_50, volatility_20d)"
                + " SELECT symbol, date, close,"
                + " CASE WHEN count(*) OVER w20 = 20 THEN avg(close) OVER w20 END,"
                + " CASE WHEN count(*) OVER w50 = 50 THEN avg(close) OVER w50 END,"
                + " CASE WHEN count(r) OVER w20 = 20 THEN stddev_samp(r) OVER w20 END"
                + " FROM s WINDOW w20 AS (PARTITION BY symbol ORDER BY date ROWS 19 PRECEDING), w50 AS (PARTITION BY symbol ORDER BY date ROWS 49 PRECEDING))"
                + " INSERT INTO price_cumulative_7d (symbol, date, opens, highs, lows, closes, volumes, avg_7_day_volume, volatility_7_day)"
                + " SELECT symbol, date, array_agg(open) OVER w7, array_agg(high) OVER w7, array_agg(low) OVER w7, array_agg(close) OVER w7,"
                + " array_agg(volume) OVER w7,"
                + " CASE WHEN count(*) OVER w7 = 7 THEN avg(volume) OVER w7 END,"
                + " CASE WHEN count(r) OVER w7 = 7 THEN stddev_samp(r) OVER w7 END"
                + " FROM s WINDOW w7 AS (PARTITION BY symbol ORDER BY date ROWS 6 PRECEDING)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, names);
            ps.executeUpdate();
        }
    }

    /** Upserts into {@code quotes} by (symbol, ts) in one transaction ({@link PostgresQuotes}). */
    @Override
    public WriteResult writeQuotes(List<io.stockingest.core.model.Quote> quotes, RunContext context) {
        return new PostgresQuotes(config, admin).write(quotes, context);
    }

    /** A session-level advisory lock per schema and job on a dedicated connection ({@link PostgresInstanceLock}). */
    @Override
    public java.util.Optional<InstanceLock> lockInstance(String job, Instant since) {
        return java.util.Optional.of(PostgresInstanceLock.acquire(admin, job, since));
    }

    /** Loads at once, in one transaction (staging, gate, upsert of changed rows): see {@link FundamentalsWriter}. */
    @Override
    public WriteResult writeStatements(List<FinancialStatement> statements, WriteOptions options, RunContext context) {
        new FundamentalsWriter(admin).write(statements, context);
        return new WriteResult(statements.isEmpty() ? 0 : 1, 0, statements.size());
    }

    /** Loads at once, in one transaction: see {@link OptionSnapshotsWriter}. */
    @Override
    public WriteResult writeOptions(List<OptionSnapshot> snapshots, WriteOptions options, RunContext context) {
        new OptionSnapshotsWriter(admin).write(snapshots, context);
        return new WriteResult(snapshots.isEmpty() ? 0 : 1, 0, snapshots.size());
    }

    /** Loads at once, in one transaction: see {@link CorporateActionsWriter}. */
    @Override
    public WriteResult writeActions(List<CorporateAction> actions, WriteOptions options, RunContext context) {
        new CorporateActionsWriter(admin).write(actions, context);
        return new WriteResult(actions.isEmpty() ? 0 : 1, 0, actions.size());
    }

    @Override
    public void writeQuarantine(List<Rejected> rejected, RunContext context) {
        if (rejected.isEmpty()) {
            return;
        }
        String sql = "INSERT INTO quarantine (run_id, symbol, interval, date, rule, detail, row, ingest_ts) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?)";
        try (Connection c = admin.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            for (Rejected r : rejected) {
                Bar b = r.bar();
                ps.setString(1, context.runId());
                ps.setString(2, b.symbol().value());
                ps.setString(3, b.interval().code());
                ps.setObject(4, b.date());
                ps.setString(5, r.rule());
                ps.setString(6, r.detail());
                ps.setString(7, rowJson(b));
                ps.setObject(8, OffsetDateTime.ofInstant(context.ingestTs(), ZoneOffset.UTC));
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot store " + rejected.size() + " quarantined rows of run " + context.runId() + " in "
                    + config.name() + ": " + Secrets.redact(e.getMessage()), e);
        }
    }

    static String rowJson(Bar b) {
        ObjectNode row = JSON.createObjectNode();
        row.put("symbol", b.symbol().value());
        row.put("interval", b.interval().code());
        row.put("ts", b.ts().toString());
        row.put("date", b.date().toString());
        putDouble(row, "open", b.open());
        putDouble(row, "high", b.high());
        putDouble(row, "low", b.low());
        putDouble(row, "close", b.close());
        if (b.adjClose() == null) {
            row.putNull("adj_close");
        } else {
            putDouble(row, "adj_close", b.adjClose());
        }
        row.put("volume", b.volume());
        if (b.vwap() == null) {
            row.putNull("vwap");
        } else {
            putDouble(row, "vwap", b.vwap());
        }
        row.put("transactions", b.transactions());
        row.put("source", b.source());
        row.put("adjustment", b.adjustment().name());
        return row.toString();
    }

    private static void putDouble(ObjectNode row, String name, double v) {
        if (Double.isFinite(v)) {
            row.put(name, v);
        } else {
            row.put(name, Double.toString(v)); // JSON has no NaN: keep it as text
        }
    }

    @Override
    public void writeRun(RunReport report) {
        String sql = "INSERT INTO ingest_runs (run_id, command, source, started_at, finished_at, duration_ms, exit_code, status,"
                + " symbols_requested, symbols_succeeded, symbols_failed, rows_written, rows_quarantined, metrics)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)"
                + " ON CONFLICT (run_id) DO UPDATE SET command = EXCLUDED.command, source = EXCLUDED.source, started_at = EXCLUDED.started_at,"
                + " finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms, exit_code = EXCLUDED.exit_code, status = EXCLUDED.status,"
                + " symbols_requested = EXCLUDED.symbols_requested, symbols_succeeded = EXCLUDED.symbols_succeeded, symbols_failed = EXCLUDED.symbols_failed,"
                + " rows_written = EXCLUDED.rows_written, rows_quarantined = EXCLUDED.rows_quarantined, metrics = EXCLUDED.metrics";
        try (Connection c = admin.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, report.runId());
            ps.setString(2, report.command());
            ps.setString(3, report.source());
            ps.setTimestamp(4, timestamp(report.startedAt()));
            ps.setTimestamp(5, timestamp(report.finishedAt()));
            ps.setLong(6, report.durationMs());
            ps.setInt(7, report.exitCode());
            ps.setString(8, report.status());
            ps.setInt(9, report.symbolsRequested());
            ps.setInt(10, report.symbolsSucceeded());
            ps.setInt(11, report.symbolsFailed());
            ps.setLong(12, report.rowsWritten());
            ps.setLong(13, report.rowsQuarantined());
            ps.setString(14, report.toJson());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot store run " + report.runId() + " in " + config.name() + ": " + Secrets.redact(e.getMessage()), e);
        }
    }

    private static Timestamp timestamp(String iso) {
        if (iso == null || iso.isBlank()) {
            return null;
        }
        try {
            return Timestamp.from(Instant.parse(iso));
        } catch (java.time.format.DateTimeParseException e) {
            return Timestamp.from(OffsetDateTime.parse(iso).toInstant());
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone: the server rolled the transaction back itself
        }
    }
}
