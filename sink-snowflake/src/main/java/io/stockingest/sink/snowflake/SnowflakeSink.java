package io.stockingest.sink.snowflake;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.features.Session;
import io.stockingest.core.features.StoredTail;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.http.Secrets;
import io.stockingest.core.features.FeatureSeries;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.rules.RowRule;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.DryRunPlan;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.StoredSessions.Checked;
import io.stockingest.core.spi.StoredSessions.Known;
import io.stockingest.core.spi.StoredSessions.Stored;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.spi.WriteResult;
import io.stockingest.lake.LakeLayout;
import io.stockingest.lake.LakeSchemas;
import io.stockingest.lake.ParquetFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;

/**
 * The Snowflake sink ({@code --sink snowflake}).
 *
 * <h2>Buffering</h2>
 * {@code write*} only buffers the rows (as lake records) and returns them as written; {@link #flush} computes the
 * features of the buffered daily bars ({@link SnowflakeFeatures}, not with {@code --no-features}), then loads
 * everything, one table at a time, each in one transaction ({@link LoadPlan}), except that the feature tables are
 * loaded in {@code prices_daily}'s transaction, after its gate passed (so no kill or failure can commit prices
 * without their features): the rows are encoded by sink-s3's
 * {@link ParquetFiles} into files of at most {@link SnowflakeConfig#rowsPerFile} rows and PUT to the internal stage,
 * or, with {@code SNOWFLAKE_STAGE}, the files the S3 lake sink of the same run wrote are referenced in the external
 * stage (computed with {@link LakeLayout}), so nothing is uploaded twice. Then {@code COPY INTO} a transient
 * staging table, the data-quality gate on staging, and a deduplicating {@code MERGE} that updates only changed rows,
 * so loading the same rows again changes nothing. A failing gate rolls back, drops staging and throws
 * {@link ErrorKind#DQ_GATE}: the target is untouched. The run report is merged into {@code ingest_runs} last.
 *
 * <h2>Dry runs</h2>
 * {@link #planPrices}, {@link #planOptions} and {@link #planLoad} return the exact statements a load would run,
 * secrets masked, without connecting.
 *
 * <p>Thread-safe: writes buffer under a lock; {@code flush} holds it for the whole load. A {@link ReentrantLock}, not a
 * monitor: the load does JDBC and file I/O under it, and a virtual thread blocked on a monitor pins its carrier on
 * Java 21.
 */
public final class SnowflakeSink implements Sink, DryRunPlan, StoredTail, io.stockingest.core.spi.StoredSessions {
    /** What one table's load did. */
    public record LoadResult(SnowflakeTable table, int files, long rowsLoaded, long rowsInserted, long rowsUpdated) {
        public LoadResult {
            requireNonNull(table, "table is null");
        }
    }

    private final SnowflakeConfig config;
    private final SnowflakeStatements sql;
    private final LakeLayout layout;
    private final SqlExecutor executor;
    private final Path workDir;
    private final Map<SnowflakeTable, List<GenericRecord>> rows = new EnumMap<>(SnowflakeTable.class);
    private final Map<SnowflakeTable, SortedSet<String>> lakeKeys = new EnumMap<>(SnowflakeTable.class);
    /** The daily bars whose features this flush computes, per symbol by date. */
    private final Map<Symbol, NavigableMap<LocalDate, Bar>> featureBars = new TreeMap<>();
    private final List<LoadResult> loads = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private RunContext context;
    private RunReport report;

    /**
     * @param layout the S3 lake's layout (its {@code S3_RAW_PREFIX}), used to name the files of an external stage
     * @param workDir where Parquet files are written before PUT ({@code run-<id>/} inside it, deleted after each load)
     */
    public SnowflakeSink(SnowflakeConfig config, LakeLayout layout, SqlExecutor executor, Path workDir) {
        this.config = requireNonNull(config, "config is null");
        this.sql = SnowflakeStatements.of(config);
        this.layout = requireNonNull(layout, "layout is null");
        this.executor = requireNonNull(executor, "executor is null");
        this.workDir = requireNonNull(workDir, "workDir is null");
    }

    @Override
    public Stores stores() {
        return Stores.ROWS;
    }

    /** The loaded sessions (not those of this sink's buffered, unflushed load), by one query for every symbol. */
    @Override
    public Map<Symbol, List<Session>> before(Map<Symbol, LocalDate> firstChanged) {
        return new SnowflakeFeatures(sql, executor).before(firstChanged);
    }

    @Override
    public String name() {
        return config.describe();
    }

    /**
     * Offline: the settings were validated when the sink was created; this checks that the local folder where files
     * are written before PUT can be created and written, and initialises the Parquet classes on this platform thread.
     * It does not connect (the first statement does), so a wrong account or password still shows at the first load.
     */
    @Override
    public void check() {
        try {
            Files.createDirectories(workDir);
            Path probe = Files.createTempFile(workDir, ".check-", ".tmp");
            Files.delete(probe);
        } catch (IOException | UncheckedIOException e) {
            throw new IngestException(ErrorKind.CONFIG, "Snowflake sink: cannot write its work folder " + workDir + ": " + e.getMessage(), e);
        }
        ParquetFiles.initialise();
    }

    public SnowflakeStatements statements() {
        return sql;
    }

    /** {@code db migrate --sink snowflake}. */
    public List<Integer> migrate() {
        return new SnowflakeMigration(sql).migrate(executor);
    }

    /** What {@link #migrate} would run on an empty schema, with the connection line first. */
    public List<String> planMigration() {
        return masked(new SnowflakeMigration(sql).plan());
    }

    // ---------------------------------------------------------------- writes (buffer)

    @Override
    public WriteResult writeBars(BarBatch batch) {
        SnowflakeTable table = batch.interval().isIntraday() ? SnowflakeTable.PRICES_INTRADAY : SnowflakeTable.PRICES_DAILY;
        List<GenericRecord> records = batch.bars().stream().map(bar -> LakeSchemas.bar(bar, batch.context().ingestTs())).toList();
        List<String> keys = batch.bars().stream().map(Bar::date).distinct()
                .map(date -> priceKey(batch.symbol(), batch.interval(), batch.options().layout(), date)).toList();
        WriteResult result = buffer(table, records, keys, batch.context());
        if (table == SnowflakeTable.PRICES_DAILY && batch.options().features() == WriteOptions.Features.STORE && !batch.bars().isEmpty()) {
            lock.lock();
            try {
                NavigableMap<LocalDate, Bar> bars = featureBars.computeIfAbsent(batch.symbol(), s -> new TreeMap<>());
                batch.bars().forEach(bar -> bars.put(bar.date(), bar));
            } finally {
                lock.unlock();
            }
        }
        return result;
    }

    /**
     * Buffers the features of the buffered daily bars ({@link SnowflakeFeatures}) as rows of {@code price_features}
     * and {@code price_cumulative_7d}; with an external stage their files are the lake's feature files.
     */
    private void bufferFeatures() {
        if (featureBars.isEmpty()) {
            return;
        }
        for (FeatureSeries f : new SnowflakeFeatures(sql, executor).compute(featureBars)) {
            List<GenericRecord> features = rows.computeIfAbsent(SnowflakeTable.PRICE_FEATURES, t -> new ArrayList<>());
            List<GenericRecord> cumulative = rows.computeIfAbsent(SnowflakeTable.PRICE_CUMULATIVE_7D, t -> new ArrayList<>());
            for (int i = 0; i < f.size(); i++) {
                features.add(LakeSchemas.features(f, i, context.ingestTs()));
                cumulative.add(LakeSchemas.cumulative(f, i, context.ingestTs()));
                lakeKeys.computeIfAbsent(SnowflakeTable.PRICE_FEATURES, t -> new TreeSet<>()).add(layout.features(f.symbol(), f.date(i).getYear()));
                lakeKeys.computeIfAbsent(SnowflakeTable.PRICE_CUMULATIVE_7D, t -> new TreeSet<>()).add(layout.cumulative(f.symbol(), f.date(i).getYear()));
            }
        }
        featureBars.clear();
    }

    @Override
    public WriteResult writeStatements(List<FinancialStatement> statements, WriteOptions options, RunContext context) {
        return buffer(SnowflakeTable.FUNDAMENTALS, statements.stream().map(s -> LakeSchemas.statement(s, context.ingestTs())).toList(),
                statements.stream().map(s -> layout.statement(s.type(), s.symbol(), s.periodEnd())).toList(), context);
    }

    @Override
    public WriteResult writeOptions(List<OptionSnapshot> snapshots, WriteOptions options, RunContext context) {
        return buffer(SnowflakeTable.OPTION_SNAPSHOTS, snapshots.stream().map(o -> LakeSchemas.option(o, context.ingestTs())).toList(),
                snapshots.stream().map(o -> layout.options(o.underlying(), o.date())).toList(), context);
    }

    @Override
    public WriteResult writeActions(List<CorporateAction> actions, WriteOptions options, RunContext context) {
        return buffer(SnowflakeTable.CORPORATE_ACTIONS, actions.stream().map(a -> LakeSchemas.action(a, context.ingestTs())).toList(),
                actions.stream().map(a -> layout.actions(a.type(), a.symbol())).toList(), context);
    }

    @Override
    public void writeQuarantine(List<Rejected> rejected, RunContext context) {
        if (rejected.isEmpty()) {
            return;
        }
        buffer(SnowflakeTable.QUARANTINE, rejected.stream().map(r -> LakeSchemas.rejected(r, context.runId(), context.ingestTs())).toList(),
                List.of(layout.quarantine("prices", context.startedAt().atZone(ZoneOffset.UTC).toLocalDate(), context.runId())), context);
    }

    @Override
    public void writeRun(RunReport report) {
        requireNonNull(report, "report is null");
        lock.lock();
        try {
            this.report = report;
        } finally {
            lock.unlock();
        }
    }

    private WriteResult buffer(SnowflakeTable table, List<GenericRecord> records, List<String> keys, RunContext context) {
        lock.lock();
        try {
            if (this.context == null) {
                this.context = context;
            } else if (!this.context.runId().equals(context.runId())) {
                throw new IngestException(ErrorKind.SINK, "Snowflake sink " + name() + " got writes of run " + context.runId()
                        + " while run " + this.context.runId() + " is not flushed");
            }
            if (records.isEmpty()) {
                return WriteResult.NOTHING;
            }
            rows.computeIfAbsent(table, t -> new ArrayList<>()).addAll(records);
            lakeKeys.computeIfAbsent(table, t -> new TreeSet<>()).addAll(keys);
            return new WriteResult(0, 0, records.size());
        } finally {
            lock.unlock();
        }
    }

    private String priceKey(Symbol symbol, Interval interval, WriteOptions.Layout lakeLayout, LocalDate date) {
        if (interval.isIntraday()) {
            return layout.intraday(interval, symbol, date);
        }
        return lakeLayout == WriteOptions.Layout.YEARLY ? layout.yearlyPrice(symbol, date.getYear()) : layout.dailyPrice(symbol, date);
    }

    // ---------------------------------------------------------------- flush (load)

    /**
     * Loads everything buffered, table by table in {@link SnowflakeTable} order, then the run report.
     *
     * @throws IngestException {@code DQ_GATE} when a gate refuses a table (that table unchanged, later ones not
     *     loaded), {@code SINK} when a statement fails (the open transaction rolled back)
     */
    @Override
    public void flush() {
        lock.lock();
        try {
            bufferFeatures();
            for (SnowflakeTable table : SnowflakeTable.values()) {
                List<GenericRecord> buffered = rows.get(table);
                if (buffered == null || buffered.isEmpty()) {
                    continue; // nothing buffered, or a feature table already loaded in prices_daily's transaction
                }
                List<SnowflakeTable> together = new ArrayList<>(List.of(table));
                if (table == SnowflakeTable.PRICES_DAILY) {
                    for (SnowflakeTable feature : List.of(SnowflakeTable.PRICE_FEATURES, SnowflakeTable.PRICE_CUMULATIVE_7D)) {
                        if (rows.get(feature) != null && !rows.get(feature).isEmpty()) {
                            together.add(feature);
                        }
                    }
                }
                loads.addAll(load(together));
                together.forEach(t -> {
                    rows.remove(t);
                    lakeKeys.remove(t);
                });
            }
            if (report != null) {
                executor.execute(sql.mergeRun(report));
                report = null;
            }
            context = null;
        } finally {
            lock.unlock();
        }
    }

    /** The loads done so far (COPY's rows loaded, MERGE's rows inserted and updated), for the run's metrics. */
    public List<LoadResult> loads() {
        lock.lock();
        try {
            return List.copyOf(loads);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Daily bars: one query on {@code PRICES_DAILY}. Intraday: nothing is reported as stored (their sessions are
     * fetched again, as planning does for every sink).
     *
     * <p>Offered as the {@link io.stockingest.core.spi.StoredSessions} capability to planning and {@code coverage},
     * but not to {@code prices --dry-run} ({@link #answersDryRuns}): a Snowflake dry run never connects.
     */
    @Override
    public Map<Symbol, Stored> storedSessions(java.util.Collection<Symbol> symbols, Interval interval, DateRange range) {
        Map<Symbol, java.util.Set<LocalDate>> dates = new java.util.LinkedHashMap<>();
        symbols.forEach(symbol -> dates.put(symbol, new java.util.HashSet<>()));
        if (interval == Interval.D1 && !symbols.isEmpty()) {
            List<String> names = symbols.stream().map(Symbol::value).toList();
            for (Map<String, Object> row : query(sql.selectStoredSessions(names, range.from(), range.to()))) {
                dates.computeIfAbsent(new Symbol(String.valueOf(row.get("SYMBOL"))), k -> new java.util.HashSet<>()).add(date(row.get("DATE")));
            }
        }
        Map<Symbol, Stored> stored = new java.util.LinkedHashMap<>();
        dates.forEach((symbol, held) -> stored.put(symbol, new Stored(held)));
        return stored;
    }

    /** False: {@code prices --dry-run} promises not to connect, so it plans the whole job instead of asking. */
    @Override
    public boolean answersDryRuns() {
        return false;
    }

    /** {@link #storedSessions} plus one query on {@code CHECKED_SESSIONS} (schema version 3). */
    @Override
    public Map<Symbol, Known> knownSessions(java.util.Collection<Symbol> symbols, Interval interval, DateRange range) {
        Map<Symbol, Stored> stored = storedSessions(symbols, interval, range);
        Map<Symbol, Map<LocalDate, Checked>> checked = new java.util.HashMap<>();
        if (!symbols.isEmpty()) {
            List<String> names = symbols.stream().map(Symbol::value).toList();
            for (Map<String, Object> row : query(sql.selectCheckedSessions(names, interval.code(), range.from(), range.to()))) {
                checked.computeIfAbsent(new Symbol(String.valueOf(row.get("SYMBOL"))), k -> new java.util.HashMap<>())
                        .put(date(row.get("DATE")), Checked.parse(String.valueOf(row.get("REASON"))));
            }
        }
        Map<Symbol, Known> known = new java.util.LinkedHashMap<>();
        stored.forEach((symbol, held) -> known.put(symbol, new Known(held, checked.getOrDefault(symbol, Map.of()))));
        return known;
    }

    /**
     * One MERGE into {@code CHECKED_SESSIONS}, run when called. What is buffered (the run's quarantine above all) is
     * loaded first, so a session is never recorded as checked while its quarantined row failed to load: a failed load
     * throws and nothing is recorded.
     */
    @Override
    public void recordChecked(Interval interval, Map<Symbol, Map<LocalDate, Checked>> checked, RunContext context) {
        Map<String, Map<LocalDate, String>> rows = new TreeMap<>();
        checked.forEach((symbol, sessions) -> {
            Map<LocalDate, String> reasons = new TreeMap<>();
            sessions.forEach((date, why) -> reasons.put(date, why.code()));
            if (!reasons.isEmpty()) {
                rows.put(symbol.value(), reasons);
            }
        });
        if (!rows.isEmpty()) {
            flush();
            lock.lock();
            try {
                executor.execute(sql.mergeCheckedSessions(interval.code(), rows, context.runId(), context.ingestTs()));
            } finally {
                lock.unlock();
            }
        }
    }

    private List<Map<String, Object>> query(String statement) {
        lock.lock();
        try {
            return executor.query(statement);
        } finally {
            lock.unlock();
        }
    }

    private static LocalDate date(Object value) {
        return value instanceof java.sql.Date sqlDate ? sqlDate.toLocalDate() : value instanceof LocalDate local ? local : LocalDate.parse(String.valueOf(value));
    }

    /** Loads the buffered rows of {@code tables} in one transaction (prices_daily with its feature tables). */
    private List<LoadResult> load(List<SnowflakeTable> tables) {
        String runId = context.runId();
        Path runDir = runDir(runId);
        try {
            List<LoadPlan> plans = new ArrayList<>();
            for (SnowflakeTable table : tables) {
                List<String> files = sql.externalStage() ? List.copyOf(lakeKeys.get(table)) : writeFiles(table, rows.get(table), runDir);
                plans.add(LoadPlan.of(sql, table, runId, runDir, files));
            }
            return run(plans);
        } finally {
            deleteQuietly(runDir);
        }
    }

    /**
     * Runs the plans' loads in ONE transaction: every PUT and staging table first (not transactional), then
     * {@code BEGIN}, each plan's copies, gate and merge in order, {@code COMMIT}, then the staging tables dropped. A
     * failing gate or statement rolls every table back, so prices_daily is never committed without its features.
     */
    private List<LoadResult> run(List<LoadPlan> plans) {
        for (LoadPlan plan : plans) {
            plan.puts().forEach(executor::execute);
            executor.execute(plan.createStaging());
        }
        boolean open = false;
        LoadPlan current = plans.getFirst();
        try {
            executor.begin();
            open = true;
            List<LoadResult> results = new ArrayList<>();
            for (LoadPlan plan : plans) {
                current = plan;
                results.add(copyGateAndMerge(plan));
            }
            executor.commit();
            open = false;
            for (LoadPlan plan : plans) {
                executor.execute(plan.dropStaging());
                plan.removes().forEach(executor::execute);
            }
            return results;
        } catch (RuntimeException e) {
            if (open) {
                undo(plans, e);
            }
            if (e instanceof IngestException) {
                throw e;
            }
            throw new IngestException(ErrorKind.SINK, "Cannot load " + rows.get(current.table()).size() + " rows into Snowflake " + current.table().tableName()
                    + " (run " + current.runId() + ")" + (plans.size() > 1 ? " with " + plans.size() + " tables in one transaction, all rolled back" : "")
                    + ": " + e.getMessage(), e);
        }
    }

    private LoadResult copyGateAndMerge(LoadPlan plan) {
        long loaded = 0;
        for (String copy : plan.copies()) {
            for (Map<String, Object> file : executor.query(copy)) {
                loaded += number(file.get("ROWS_LOADED"));
            }
        }
        if (plan.gate() != null) {
            refuseIfBroken(plan, executor.query(plan.gate()));
        }
        long inserted = 0;
        long updated = 0;
        for (Map<String, Object> counts : executor.query(plan.merge())) {
            for (var entry : counts.entrySet()) {
                if (entry.getKey().contains("INSERTED")) {
                    inserted += number(entry.getValue());
                } else if (entry.getKey().contains("UPDATED")) {
                    updated += number(entry.getValue());
                }
            }
        }
        return new LoadResult(plan.table(), plan.files().size(), loaded, inserted, updated);
    }

    private void refuseIfBroken(LoadPlan plan, List<Map<String, Object>> result) {
        Map<String, Object> counts = result.isEmpty() ? Map.of() : result.getFirst();
        List<String> broken = new ArrayList<>();
        for (RowRule<?> rule : plan.table().gate()) {
            long n = number(counts.get(rule.name().toUpperCase(Locale.ROOT)));
            if (n > 0) {
                broken.add(n + " " + rule.name());
            }
        }
        if (!broken.isEmpty()) {
            throw new IngestException(ErrorKind.DQ_GATE, "Data-quality gate refused the Snowflake load of " + plan.table().tableName()
                    + " (run " + plan.runId() + "): of " + number(counts.get("ROWS")) + " staged rows, " + String.join(", ", broken)
                    + " broke the rule; " + plan.table().tableName() + " is unchanged");
        }
    }

    /** Rolls back and drops every staging table after a failure, keeping the first failure as the one reported. */
    private void undo(List<LoadPlan> plans, RuntimeException failure) {
        List<Runnable> steps = new ArrayList<>();
        steps.add(executor::rollback);
        for (LoadPlan plan : plans) {
            steps.add(() -> executor.execute(plan.dropStaging()));
            plan.removes().forEach(remove -> steps.add(() -> executor.execute(remove)));
        }
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException cleanup) {
                failure.addSuppressed(cleanup);
            }
        }
    }

    private List<String> writeFiles(SnowflakeTable table, List<GenericRecord> records, Path runDir) {
        try {
            Files.createDirectories(runDir);
            List<String> names = new ArrayList<>();
            for (int from = 0, part = 1; from < records.size(); from += config.rowsPerFile(), part++) {
                List<GenericRecord> chunk = records.subList(from, Math.min(records.size(), from + config.rowsPerFile()));
                String name = fileName(table, part);
                Files.write(runDir.resolve(name), ParquetFiles.write(table.schema(), chunk));
                names.add(name);
            }
            return names;
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot write Parquet files for Snowflake under " + runDir + ": " + e.getMessage(), e);
        }
    }

    static String fileName(SnowflakeTable table, int part) {
        return String.format("%s-%05d.parquet", table.tableName(), part);
    }

    private Path runDir(String runId) {
        return workDir.resolve("run-" + runId.replaceAll("[^A-Za-z0-9_-]", "_"));
    }

    private static long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s && !s.isBlank()) {
            return Long.parseLong(s.strip());
        }
        return 0;
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary file is harmless; the next load of the same run id overwrites it
        }
    }

    // ---------------------------------------------------------------- dry runs

    /**
     * The exact statements of one table's load of {@code files} (names in the run's local folder for the internal
     * stage, keys under the external stage's root otherwise), with the connection line first, secrets masked.
     */
    public List<String> planLoad(SnowflakeTable table, String runId, List<String> files) {
        return masked(LoadPlan.of(sql, table, runId, runDir(runId), files).statements());
    }

    /**
     * The statements a price load would run: with the internal stage one file per {@code rowsPerFile} estimated
     * rows (one row per symbol and session, times the bars of a regular session for intraday); with an external
     * stage the lake files of every symbol and session in the range.
     */
    public List<String> planPrices(List<Symbol> symbols, Interval interval, DateRange range, WriteOptions options, RunContext context) {
        List<LocalDate> sessions = NyseCalendar.instance().sessions(range.from(), range.to()).stream()
                .map(NyseCalendar.Session::date).toList();
        SnowflakeTable table = interval.isIntraday() ? SnowflakeTable.PRICES_INTRADAY : SnowflakeTable.PRICES_DAILY;
        List<String> files;
        if (sql.externalStage()) {
            files = symbols.stream().flatMap(symbol -> sessions.stream().map(d -> priceKey(symbol, interval, options.layout(), d)))
                    .distinct().toList();
        } else {
            long perSession = interval.isIntraday() ? Math.max(1, 390 / Math.max(1, interval.length().toMinutes())) : 1;
            files = internalFiles(table, (long) symbols.size() * sessions.size() * perSession);
        }
        return withTrailer(planLoad(table, context.runId(), files));
    }

    /** The statements an options load would run for the underlyings' snapshots of {@code date}. */
    public List<String> planOptions(List<Symbol> underlyings, LocalDate date, RunContext context) {
        List<String> files = sql.externalStage()
                ? underlyings.stream().map(u -> layout.options(u, date)).toList()
                : internalFiles(SnowflakeTable.OPTION_SNAPSHOTS, 1);
        return withTrailer(planLoad(SnowflakeTable.OPTION_SNAPSHOTS, context.runId(), files));
    }

    private List<String> internalFiles(SnowflakeTable table, long estimatedRows) {
        long count = Math.max(1, (estimatedRows + config.rowsPerFile() - 1) / config.rowsPerFile());
        List<String> names = new ArrayList<>();
        for (int part = 1; part <= count; part++) {
            names.add(fileName(table, part));
        }
        return names;
    }

    private static List<String> withTrailer(List<String> plan) {
        List<String> out = new ArrayList<>(plan);
        out.add("-- then, if any rows were quarantined, the same load into quarantine (without a gate),"
                + " and the run's metrics are merged into ingest_runs");
        return out;
    }

    private List<String> masked(List<String> statements) {
        List<String> out = new ArrayList<>();
        Map<String, String> props = new TreeMap<>();
        config.maskedConnectionProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        out.add("-- connect " + config.jdbcUrl() + " " + props);
        statements.forEach(s -> out.add(Secrets.redact(s)));
        return out;
    }

    @Override
    public void close() {
        executor.close();
    }
}
