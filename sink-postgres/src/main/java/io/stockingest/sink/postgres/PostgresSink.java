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
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.features.Session;
import io.stockingest.core.features.StoredTail;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.spi.WriteResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Stores bars in PostgreSQL.
 *
 * <p>{@link #writeBars} buffers batches (a batch written again before the load replaces the earlier copy, so a
 * pipeline retry is not loaded twice); when the buffer holds {@link PostgresConfig#bufferRows()} bars, and at
 * {@link #flush}, the buffered bars are loaded in ONE transaction by {@link BarLoader}: binary COPY into a
 * temporary staging table, the data-quality gate as SQL on the staging table (PRODUCT.md row rules: prices present
 * and positive, {@code high >= max(open, close)}, {@code low <= min(open, close)}, volume not negative), then a plain
 * {@code INSERT ... SELECT} for series with no stored row in the batch's span (fresh loads, appended days) and
 * {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE (old) IS DISTINCT FROM (new)} for the others, so rows whose
 * values are unchanged are not touched (a rerun writes nothing; {@code ingest_ts} is not compared), then
 * {@link FeatureWriter} stores the features computed in Java from each changed symbol's earliest changed session on
 * (binary COPY, same transaction; skipped with {@code PG_FEATURES=false} or {@code --no-features}). A failing
 * gate or a lost connection rolls the whole load back, production untouched, and throws {@code DQ_GATE} /
 * {@code SINK} naming the symbols. With
 * {@code PG_BUFFER_ROWS=0} every batch is its own load (one transaction per batch).
 *
 * <p>Statements, option snapshots and corporate actions are not buffered: each {@code write*} call is one load in
 * one transaction with the same discipline (staging, SQL gate, upsert of changed rows), by {@link FundamentalsWriter},
 * {@link OptionSnapshotsWriter} and {@link CorporateActionsWriter}.
 *
 * <p>Thread-safe: the buffer is changed under a lock, loads run one at a time. Locks, not monitors: batches arrive on
 * virtual threads, and one blocked on a monitor pins its carrier on Java 21.
 */
public final class PostgresSink implements Sink, StoredSessions, StoredTail {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PostgresConfig config;
    private final PostgresAdmin admin;
    private final Map<String, BarBatch> buffer = new LinkedHashMap<>();
    private long bufferedRows;
    private final ReentrantLock bufferLock = new ReentrantLock();
    private final ReentrantLock loadLock = new ReentrantLock();
    private final Map<String, Long> phases = new LinkedHashMap<>();
    private final ReentrantLock phasesLock = new ReentrantLock();

    public PostgresSink(PostgresConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.admin = new PostgresAdmin(config);
        // reachable, credentials, rights: exit 2 before any provider request; Flyway only when the schema is not at
        // this program's latest version (a rerun of an up-to-date schema skips its scan, validation and lock)
        boolean upToDate = admin.checkUpToDate(config.migrate());
        if (config.migrate() && !upToDate) {
            admin.migrate();
        }
    }

    /** One query on the committed tables (a batch buffered for {@link #flush} is not stored yet). */
    @Override
    public Map<Symbol, Stored> storedSessions(Collection<Symbol> symbols, Interval interval, DateRange range) {
        return admin.storedSessions(symbols, interval, range);
    }

    /** The committed sessions (a load in progress on another connection is not seen), by one index range scan per symbol. */
    @Override
    public Map<Symbol, List<Session>> before(Map<Symbol, LocalDate> firstChanged) {
        try (Connection c = admin.connect()) {
            return new FeatureWriter(c, new HashMap<>()).before(firstChanged);
        } catch (SQLException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read the stored sessions of " + firstChanged.size() + " symbols from " + config.name()
                    + ": " + Secrets.redact(e.getMessage()), e);
        }
    }

    @Override
    public Map<Symbol, Known> knownSessions(Collection<Symbol> symbols, Interval interval, DateRange range) {
        Map<Symbol, Stored> stored = admin.storedSessions(symbols, interval, range);
        Map<Symbol, Map<java.time.LocalDate, Checked>> checked = admin.checkedSessions(symbols, interval, range);
        Map<Symbol, Known> known = new java.util.LinkedHashMap<>();
        stored.forEach((symbol, held) -> known.put(symbol, new Known(held, checked.getOrDefault(symbol, Map.of()))));
        return known;
    }

    /** One transaction into checked_sessions (V8); see {@link StoredSessions#recordChecked}. */
    @Override
    public void recordChecked(Interval interval, Map<Symbol, Map<java.time.LocalDate, Checked>> checked, RunContext context) {
        admin.recordChecked(interval, checked, context.runId(), context.ingestTs());
    }

    @Override
    public Stores stores() {
        return Stores.ROWS;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public WriteResult writeBars(BarBatch batch) {
        List<BarBatch> toLoad = null;
        bufferLock.lock();
        try {
            BarBatch previous = buffer.put(batch.symbol().value() + "|" + batch.interval().code() + "|" + batch.range(), batch);
            bufferedRows += batch.bars().size() - (previous == null ? 0 : previous.bars().size());
            if (bufferedRows >= config.bufferRows()) {
                toLoad = drain();
            }
        } finally {
            bufferLock.unlock();
        }
        if (toLoad != null) {
            load(toLoad);
        }
        return new WriteResult(batch.bars().isEmpty() ? 0 : 1, 0, batch.bars().size());
    }

    @Override
    public void flush() {
        List<BarBatch> toLoad;
        bufferLock.lock();
        try {
            toLoad = drain();
        } finally {
            bufferLock.unlock();
        }
        load(toLoad);
    }

    private List<BarBatch> drain() {
        List<BarBatch> out = new ArrayList<>(buffer.values());
        buffer.clear();
        bufferedRows = 0;
        return out;
    }

    /** What one load changed: rows inserted or updated per table, and the daily symbols whose rows changed. */
    record LoadResult(long dailyChanged, long intradayChanged, TreeSet<String> changedDailySymbols) {}

    /** Nanoseconds spent per load phase since this sink was created (for the benchmark). */
    Map<String, Long> phaseNanos() {
        phasesLock.lock();
        try {
            return new LinkedHashMap<>(phases);
        } finally {
            phasesLock.unlock();
        }
    }

    LoadResult load(List<BarBatch> batches) {
        List<Bar> daily = new ArrayList<>();
        List<Bar> intraday = new ArrayList<>();
        Set<String> withFeatures = new HashSet<>();
        Instant ingestTs = null;
        for (BarBatch b : batches) {
            (b.interval() == Interval.D1 ? daily : intraday).addAll(b.bars());
            if (b.interval() == Interval.D1 && b.options().features() == WriteOptions.Features.STORE) {
                withFeatures.add(b.symbol().value());
            }
            ingestTs = b.context().ingestTs();
        }
        if (daily.isEmpty() && intraday.isEmpty()) {
            return new LoadResult(0, 0, new TreeSet<>());
        }
        String what = describe(batches);
        loadLock.lock();
        try (Connection c = admin.connect()) {
            try (Statement st = c.createStatement()) {
                st.execute("SET temp_buffers = '256MB'"); // the staging table stays in memory (before its first use in the session)
            }
            c.setAutoCommit(false);
            try {
                Map<String, Long> times = new LinkedHashMap<>();
                BarLoader loader = new BarLoader(c, config.name(), what, times);
                BarLoader.Changed dailyChanged = daily.isEmpty() ? BarLoader.Changed.NONE : loader.load(BarLoader.Table.DAILY, daily, ingestTs);
                long intradayChanged = intraday.isEmpty() ? 0 : loader.load(BarLoader.Table.INTRADAY, intraday, ingestTs).rows();
                if (config.features()) {
                    Map<String, LocalDate> since = new TreeMap<>(dailyChanged.since());
                    since.keySet().retainAll(withFeatures);
                    new FeatureWriter(c, times).write(since, bySymbol(daily), dailyChanged.fresh());
                }
                long t = System.nanoTime();
                c.commit();
                times.merge("commit", System.nanoTime() - t, Long::sum);
                phasesLock.lock();
                try {
                    times.forEach((k, v) -> phases.merge(k, v, Long::sum));
                } finally {
                    phasesLock.unlock();
                }
                return new LoadResult(dailyChanged.rows(), intradayChanged, new TreeSet<>(dailyChanged.since().keySet()));
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

    private static Map<String, NavigableMap<LocalDate, Bar>> bySymbol(List<Bar> daily) {
        Map<String, NavigableMap<LocalDate, Bar>> out = new HashMap<>();
        for (Bar b : daily) {
            out.computeIfAbsent(b.symbol().value(), k -> new TreeMap<>()).put(b.date(), b);
        }
        return out;
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
        row.put("venue", b.venue().code());
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

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone: the server rolled the transaction back itself
        }
    }
}
