package io.stockingest.sink.iceberg;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.http.Secrets;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.model.Quote;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.pipeline.BarValidator;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.DryRunPlan;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.spi.WriteResult;
import io.stockingest.lake.LakeSchemas;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Stores everything in Iceberg tables ({@link IcebergTable}), each run's change to a table published by
 * write-audit-publish ({@link Publisher}): one snapshot per run and table, none when the data is unchanged.
 *
 * <p>{@link #writeBars} buffers; every {@link IcebergConfig#bufferRows()} rows, the buffer is written as data files
 * (not yet committed: invisible to readers), and {@link #flush} commits the run's bars in one snapshot per table:
 * the rows of the run's symbols inside their requested ranges are replaced (overwrite by filter, copy-on-write),
 * the staged snapshot is audited by {@link BarGate}, and {@code main} is fast-forwarded. A refused gate throws
 * {@code DQ_GATE} with the failed checks, {@code main} unchanged. Statements, option snapshots, corporate actions and
 * quotes are merged by key in the span they cover, one publish per call; the quarantine and the run's metrics row
 * replace those of the same run id.
 *
 * <p>Every catalog, table and file operation runs on one platform thread owned by the sink: Iceberg's Parquet code
 * initialises Hadoop classes, which must not happen on a virtual thread (it deadlocked the scheduler's carriers in
 * the lake sink, issue 17), and the pipeline calls {@code write*} from virtual threads. Thread-safe: buffering is
 * synchronized, the rest is serialized on that thread.
 */
public final class IcebergSink implements Sink, StoredSessions, DryRunPlan {
    private final IcebergConfig config;
    private final Catalog catalog;
    private final io.stockingest.core.config.Settings settings;
    private final IcebergTables tables;
    private final BarValidator validator = new BarValidator(Calendars.standard());
    private final ExecutorService io;
    /** Computes and encodes feature rows (platform threads); created at first use on the I/O thread. */
    private ExecutorService featurePool;
    private final Map<String, BarBatch> buffer = new LinkedHashMap<>();
    private long bufferedRows;
    /** Per interval code: the bars written as files but not committed yet. Touched on the I/O thread only. */
    private final Map<Interval, PendingBars> pending = new TreeMap<>();
    private final List<Rejected> quarantine = new ArrayList<>();
    private RunContext quarantineContext;
    private RunReport runReport;

    public IcebergSink(IcebergConfig config, Catalog catalog, io.stockingest.core.config.Settings settings) {
        this.config = requireNonNull(config, "config is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.io = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("iceberg-io").daemon(true).factory());
        this.tables = new IcebergTables(catalog, config.namespace(), CatalogLock.of(config));
    }

    /** Opens the catalog on the sink's I/O thread (a JDBC driver's native library, Hadoop classes: not on a virtual thread). */
    public static IcebergSink open(IcebergConfig config, io.stockingest.core.config.Settings settings) {
        ExecutorService opener = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("iceberg-open").daemon(true).factory());
        try {
            long t = Timing.start();
            Catalog catalog = opener.submit(() -> IcebergCatalogs.open(config, settings)).get();
            Timing.mark("open catalog", t);
            return new IcebergSink(config, catalog, settings);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IngestException ingest ? ingest
                    : new IngestException(ErrorKind.CONFIG, "Cannot open the Iceberg catalog " + config.name() + ": " + Secrets.redact(String.valueOf(e.getCause())), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException(ErrorKind.SINK, "Interrupted while opening " + config.name(), e);
        } finally {
            opener.shutdown();
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    /**
     * The catalog answers (the namespace is looked up) and the warehouse takes a file: a probe is written under
     * {@code <warehouse>/<namespace>/} and deleted (a REST catalog's warehouse is the catalog's to manage: not probed).
     * On the sink's I/O thread, a platform thread, as every catalog and file operation.
     *
     * @throws IngestException {@code CONFIG} naming the catalog or warehouse and the reason, with no secret in it
     */
    @Override
    public void check() {
        onIoThread("check the catalog", () -> {
            try {
                if (catalog instanceof org.apache.iceberg.catalog.SupportsNamespaces namespaces) {
                    namespaces.namespaceExists(org.apache.iceberg.catalog.Namespace.of(config.namespace()));
                } else {
                    catalog.tableExists(tables.id(IcebergTable.PRICES_DAILY));
                }
            } catch (RuntimeException e) {
                throw new IngestException(ErrorKind.CONFIG, "The Iceberg catalog " + name() + " cannot be reached: " + Secrets.redact(IcebergCatalogs.reason(e)), e);
            }
            if (config.catalogUri().startsWith("jdbc:") || config.warehouse().startsWith("s3://") || config.warehouse().startsWith("file:")) {
                String probe = config.warehouse().replaceAll("/+$", "") + "/" + config.namespace() + "/.stock-ingest-probe-" + java.util.UUID.randomUUID();
                org.apache.iceberg.io.FileIO io = IcebergCatalogs.fileIo(config, settings);
                try {
                    try (var out = io.newOutputFile(probe).create()) {
                        out.write(new byte[] {'o', 'k'});
                    }
                    io.deleteFile(probe);
                } catch (java.io.IOException | RuntimeException e) {
                    throw new IngestException(ErrorKind.CONFIG, "The Iceberg warehouse " + config.warehouse() + " cannot be written: "
                            + Secrets.redact(IcebergCatalogs.reason(e)), e);
                } finally {
                    io.close();
                }
            }
            return null;
        });
    }

    /** The write-audit-publish steps a {@code prices} run would take on its price table; reads and writes nothing. */
    @Override
    public List<String> planPrices(List<Symbol> symbols, Interval interval, DateRange range, WriteOptions options, RunContext context) {
        IcebergTable def = interval.isIntraday() ? IcebergTable.PRICES_INTRADAY : IcebergTable.PRICES_DAILY;
        String table = config.namespace() + "." + def.tableName();
        return List.of(
                "write data files of " + symbols.size() + " symbols to " + table + " (partitioned by " + def.spec(def.schema()).fields() + ")",
                "stage on branch wap-" + context.runId() + ": replace the rows of those symbols in " + range + (interval.isIntraday() ? " (" + interval.code() + ")" : ""),
                "audit the staged snapshot: expected_symbols_present, prices_positive, ohlc_consistent, volume_non_negative, sessions (not_a_session,"
                        + " outside_session, out_of_range), only_expected_symbols",
                "fast-forward main of " + table + " to the staged snapshot (nothing when the rows are unchanged); drop the branch",
                interval.isIntraday() || options.features() == WriteOptions.Features.SKIP ? "store no features (" + (interval.isIntraday() ? "intraday" : "--no-features") + ")"
                        : "recompute " + config.namespace() + ".price_features and " + config.namespace() + ".price_cumulative_7d of those symbols from their"
                                + " first written session on, one snapshot each (none when unchanged)",
                "replace the run's rows of " + config.namespace() + ".quarantine and " + config.namespace() + ".ingest_runs");
    }

    /** How a run's option snapshots would be merged; reads and writes nothing. */
    @Override
    public List<String> planOptions(List<Symbol> underlyings, LocalDate date, RunContext context) {
        return List.of("merge the option snapshots of " + underlyings.size() + " underlyings on " + date + " into " + config.namespace()
                + ".option_snapshots by (contract, date), one snapshot, none when unchanged");
    }

    /** Tables hold rows: the run summary counts them, not files. */
    @Override
    public Stores stores() {
        return Stores.ROWS;
    }

    /**
     * The dates {@code prices_daily} (or {@code prices_intraday}, for that interval) holds per symbol in {@code range}
     * on {@code main}: one scan of the symbol and date columns, pruned by the month partitions and the files' column
     * ranges. Nothing is stored yet when the table does not exist.
     */
    @Override
    public Map<Symbol, Stored> storedSessions(Collection<Symbol> symbols, Interval interval, DateRange range) {
        return onIoThread("read the stored sessions", () -> {
            Map<Symbol, Set<LocalDate>> dates = new LinkedHashMap<>();
            symbols.forEach(symbol -> dates.put(symbol, new HashSet<>()));
            IcebergTable def = interval.isIntraday() ? IcebergTable.PRICES_INTRADAY : IcebergTable.PRICES_DAILY;
            // loaded, never created or evolved: serve reads through this too
            Optional<Table> loaded = symbols.isEmpty() ? Optional.empty() : tables.existing(def);
            if (loaded.isPresent()) {
                Table table = loaded.get();
                Expression filter = Expressions.and(Expressions.in("symbol", symbols.stream().map(Symbol::value).toArray()),
                        Expressions.and(Expressions.greaterThanOrEqual("date", (int) range.from().toEpochDay()),
                                Expressions.lessThanOrEqual("date", (int) range.to().toEpochDay())));
                if (interval.isIntraday()) {
                    filter = Expressions.and(filter, Expressions.equal("interval", interval.code()));
                }
                List<String> columns = interval.isIntraday() ? List.of("symbol", "date", "interval") : List.of("symbol", "date");
                try (CloseableIterable<Record> rows = IcebergGenerics.read(table).where(filter).select(columns).build()) {
                    for (Record row : rows) {
                        LocalDate date = (LocalDate) row.getField("date");
                        Set<LocalDate> held = dates.get(new Symbol(row.getField("symbol").toString()));
                        if (held != null && range.contains(date) && (!interval.isIntraday() || interval.code().equals(row.getField("interval")))) {
                            held.add(date);
                        }
                    }
                }
            }
            Map<Symbol, Stored> out = new LinkedHashMap<>();
            dates.forEach((symbol, held) -> out.put(symbol, new Stored(held)));
            return out;
        });
    }

    /** The tables, for maintenance, {@code db} and reading back. */
    public IcebergTables tables() {
        return tables;
    }

    /** Runs {@code task} on the I/O thread and waits. */
    public <T> T onIoThread(String what, Callable<T> task) {
        Future<T> future = io.submit(task);
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IngestException ingest) {
                throw ingest;
            }
            throw new IngestException(ErrorKind.SINK, "Cannot " + what + " in " + name() + ": " + Secrets.redact(String.valueOf(cause.getMessage())), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException(ErrorKind.SINK, "Interrupted while trying to " + what + " in " + name(), e);
        }
    }

    @Override
    public WriteResult writeBars(BarBatch batch) {
        List<BarBatch> toSpill = null;
        synchronized (this) {
            BarBatch previous = buffer.put(batch.symbol().value() + "|" + batch.interval().code() + "|" + batch.range(), batch);
            bufferedRows += batch.bars().size() - (previous == null ? 0 : previous.bars().size());
            if (bufferedRows >= config.bufferRows()) {
                toSpill = drain();
            }
        }
        if (toSpill != null) {
            List<BarBatch> batches = toSpill;
            long t = Timing.start();
            onIoThread("write bars", () -> spill(batches, false));
            Timing.mark("writeBars waited for spill", t);
        }
        return new WriteResult(batch.bars().isEmpty() ? 0 : 1, 0, batch.bars().size());
    }

    private synchronized List<BarBatch> drain() {
        List<BarBatch> out = new ArrayList<>(buffer.values());
        buffer.clear();
        bufferedRows = 0;
        return out;
    }

    /** The bars of one interval written as files and waiting for the commit at flush. */
    private static final class PendingBars {
        final List<DataFile> files = new ArrayList<>();
        LakeRows.Content content = LakeRows.Content.EMPTY;
        final BarGate gate;
        /** Per symbol whose features are stored, the first session written (or its requested range's start, if earlier). */
        final Map<String, LocalDate> features = new TreeMap<>();
        /** Per symbol whose features are stored, the bars written, as columns: the features are computed from them. */
        final Map<String, IcebergFeatures.Series> sessions = new java.util.HashMap<>();
        /** Feature rows computed at spills, from the run's bars alone (see {@link IcebergFeatures.Ahead}). */
        final List<IcebergFeatures.Ahead> ahead = new ArrayList<>();
        /** Whether to compute feature rows ahead: decided at the first spill, when {@code prices_daily} held nothing yet. */
        Boolean computeAhead;
        RunContext context;

        PendingBars(BarGate gate) {
            this.gate = gate;
        }
    }

    /** @param last the flush's spill: its feature rows are computed ahead in parts, one per pool thread (the flush waits for them) */
    private Void spill(List<BarBatch> batches, boolean last) {
        long t0 = Timing.start();
        Map<Interval, Map<Instant, List<Bar>>> bars = new TreeMap<>();
        Set<String> featureSymbols = new TreeSet<>();
        for (BarBatch batch : batches) {
            if (batch.bars().isEmpty()) {
                continue;
            }
            PendingBars p = pending.computeIfAbsent(batch.interval(),
                    i -> new PendingBars(new BarGate(validator, i.isIntraday() ? IcebergTable.PRICES_INTRADAY : IcebergTable.PRICES_DAILY, i)));
            p.context = batch.context();
            p.gate.add(batch);
            if (batch.interval() == Interval.D1 && batch.options().features() == WriteOptions.Features.STORE) {
                // from the requested range's start: the feature rows of stored sessions the overwrite removed (in the
                // range, before the first bar sent) go too
                LocalDate first = batch.bars().stream().map(Bar::date).min(LocalDate::compareTo).orElseThrow();
                first = first.isAfter(batch.range().from()) ? batch.range().from() : first;
                p.features.merge(batch.symbol().value(), first, (a, b) -> a.isBefore(b) ? a : b);
                featureSymbols.add(batch.symbol().value());
                for (Bar bar : batch.bars()) {
                    p.sessions.computeIfAbsent(bar.symbol().value(), s -> new IcebergFeatures.Series())
                            .add((int) bar.date().toEpochDay(), bar.open(), bar.high(), bar.low(), bar.close(), bar.volume());
                }
            }
            p.content = p.content.plus(LakeRows.content(batch.bars(), batch.context().ingestTs()));
            bars.computeIfAbsent(batch.interval(), i -> new LinkedHashMap<>())
                    .computeIfAbsent(batch.context().ingestTs(), t -> new ArrayList<>()).addAll(batch.bars());
        }
        bars.forEach((interval, stamped) -> {
            IcebergTable def = interval.isIntraday() ? IcebergTable.PRICES_INTRADAY : IcebergTable.PRICES_DAILY;
            PendingBars p = pending.get(interval);
            stamped.forEach((ingestTs, rows) -> p.files.addAll(TableFiles.writeBars(tables.table(def), def, rows, ingestTs, p.context.runId())));
        });
        PendingBars daily = pending.get(Interval.D1);
        if (daily != null && !featureSymbols.isEmpty() && computeAhead(daily)) {
            List<String> symbols = List.copyOf(featureSymbols);
            int parts = last ? Math.min(symbols.size(), IcebergFeatures.threads()) : 1;
            for (int i = 0; i < parts; i++) {
                List<String> part = symbols.subList(i * symbols.size() / parts, (i + 1) * symbols.size() / parts);
                daily.ahead.add(IcebergFeatures.ahead(tables, featurePool(), daily.sessions, part, daily.context.ingestTs(), daily.context.runId()));
            }
        }
        Timing.mark("spill " + batches.size() + " batches", t0);
        return null;
    }

    /**
     * Whether this run's feature rows are computed ahead, at each spill, overlapping the fetch: when
     * {@code prices_daily} held no snapshot at the run's first spill (a first load, e.g. a backfill into new tables),
     * so that the rows are most likely those of the run's bars alone; the flush uses them only for the symbols where
     * they are (and computes the others itself).
     */
    private boolean computeAhead(PendingBars daily) {
        if (daily.computeAhead == null) {
            Table prices = tables.table(IcebergTable.PRICES_DAILY);
            prices.refresh();
            daily.computeAhead = prices.currentSnapshot() == null;
        }
        return daily.computeAhead;
    }

    /** The feature pool, created at first use (on the I/O thread). */
    private ExecutorService featurePool() {
        if (featurePool == null) {
            featurePool = IcebergFeatures.newPool();
        }
        return featurePool;
    }

    /** Commits the buffered bars, then the quarantine and the run's metrics, each table in one snapshot. */
    @Override
    public void flush() {
        List<BarBatch> rest = drain();
        onIoThread("commit", () -> {
            long t0 = Timing.start();
            spill(rest, true);
            try {
                for (var entry : pending.entrySet()) {
                    long t = Timing.start();
                    publishBars(entry.getKey(), entry.getValue());
                    Timing.mark("publishBars total", t);
                    if (!entry.getValue().features.isEmpty()) {
                        t = Timing.start();
                        publishFeatures(entry.getValue());
                        Timing.mark("publishFeatures total", t);
                    }
                }
            } finally {
                // feature rows computed ahead and not published (a refused gate, a failure): their files go
                pending.values().forEach(p -> p.ahead.forEach(IcebergFeatures.Ahead::discard));
                pending.clear();
            }
            if (quarantineContext != null) {
                RunContext context = quarantineContext;
                List<GenericRecord> rows = quarantine.stream().map(r -> LakeSchemas.rejected(r, context.runId(), context.ingestTs())).toList();
                quarantine.clear();
                quarantineContext = null;
                long t = Timing.start();
                replace(IcebergTable.QUARANTINE, Expressions.equal("run_id", context.runId()), rows, context);
                Timing.mark("quarantine", t);
            }
            if (runReport != null) {
                RunReport report = runReport;
                runReport = null;
                RunContext context = new RunContext(report.runId(), report.command(), report.source(), report.startedAt(), Instant.now());
                long t = Timing.start();
                replace(IcebergTable.INGEST_RUNS, Expressions.equal("run_id", report.runId()), List.of(runRow(report, context.ingestTs())), context);
                Timing.mark("ingest_runs", t);
            }
            Timing.mark("flush total", t0);
            return null;
        });
    }

    private void publishBars(Interval interval, PendingBars p) {
        IcebergTable def = interval.isIntraday() ? IcebergTable.PRICES_INTRADAY : IcebergTable.PRICES_DAILY;
        Expression filter = barFilter(interval, p.gate.ranges());
        publishFiles(def, filter, p.files, p.content, p.context, p.gate.filter(filter),
                Map.of("stock-ingest.rows", Long.toString(p.content.rows()), "stock-ingest.symbols", Integer.toString(p.gate.rows().size())));
    }

    /**
     * Replaces the feature rows of the run's daily symbols from their first written session on (or from the first
     * stored session without features, see {@link IcebergFeatures}), once the bars are published: one snapshot per
     * feature table, none when the rows are unchanged.
     */
    private void publishFeatures(PendingBars p) {
        long t = Timing.start();
        List<IcebergFeatures.Ahead> ahead = List.copyOf(p.ahead);
        p.ahead.clear(); // compute owns them now
        IcebergFeatures.Change change = new IcebergFeatures(tables, featurePool()).compute(p.features, p.sessions, p.gate.ranges(), ahead,
                p.context.ingestTs(), p.context.runId());
        Timing.mark("features compute", t);
        for (IcebergFeatures.Pending table : List.of(change.features(), change.cumulative())) {
            t = Timing.start();
            publishFiles(table.def, change.filter(), table.files, table.content, p.context, Publisher.Gate.NONE,
                    Map.of("stock-ingest.rows", Long.toString(table.content.rows()), "stock-ingest.symbols", Integer.toString(p.features.size())));
            Timing.mark("publish " + table.def.tableName(), t);
        }
    }

    /**
     * Publishes files already written (holding rows of {@code content}) in place of the rows {@code filter} matches;
     * nothing, and the files deleted, when those rows have the same content.
     */
    private void publishFiles(IcebergTable def, Expression filter, List<DataFile> written, LakeRows.Content content, RunContext context,
            Publisher.Gate gate, Map<String, String> summary) {
        Table table = tables.table(def);
        List<DataFile> files = List.copyOf(written);
        Publisher.NewRows newRows = new Publisher.NewRows() {
            @Override
            public boolean needsReplaced() {
                return false;
            }

            @Override
            public Optional<Publisher.Files> files(List<GenericRecord> replaced, LakeRows.Content replacedContent) {
                return replacedContent.equals(content) ? Optional.empty() : Optional.of(new Publisher.Files(files, false));
            }
        };
        Optional<Snapshot> published;
        try {
            published = publisher(context).publish(table, def, filter, newRows, gate, summary);
        } catch (RuntimeException e) {
            files.forEach(f -> table.io().deleteFile(f.location()));
            throw e;
        }
        if (published.isEmpty()) {
            files.forEach(f -> table.io().deleteFile(f.location()));
        }
    }

    /** The run's rows: for each group of symbols sharing a requested range, those symbols' rows inside it. */
    static Expression barFilter(Interval interval, Map<String, DateRange> ranges) {
        Map<DateRange, List<String>> groups = new TreeMap<>(java.util.Comparator.comparing(DateRange::from).thenComparing(DateRange::to));
        ranges.forEach((symbol, range) -> groups.computeIfAbsent(range, r -> new ArrayList<>()).add(symbol));
        Expression any = Expressions.alwaysFalse();
        for (var group : groups.entrySet()) {
            any = Expressions.or(any, Expressions.and(Expressions.in("symbol", group.getValue().toArray()),
                    Expressions.and(Expressions.greaterThanOrEqual("date", (int) group.getKey().from().toEpochDay()),
                            Expressions.lessThanOrEqual("date", (int) group.getKey().to().toEpochDay()))));
        }
        return interval.isIntraday() ? Expressions.and(Expressions.equal("interval", interval.code()), any) : any;
    }

    private Publisher publisher(RunContext context) {
        return new Publisher(context.runId(), config.commitAttempts(), Map.of(
                "stock-ingest.run-id", context.runId(),
                "stock-ingest.source", context.source(),
                "stock-ingest.command", context.command()));
    }

    /** Replaces the rows {@code filter} matches with {@code rows} (nothing is committed if they are equal). */
    private boolean replace(IcebergTable def, Expression filter, List<GenericRecord> rows, RunContext context) {
        Table table = tables.table(def);
        LakeRows.Content content = LakeRows.Content.EMPTY;
        for (GenericRecord row : rows) {
            content = content.plus(row);
        }
        LakeRows.Content newContent = content;
        return publisher(context).publish(table, def, filter, new Publisher.NewRows() {
            @Override
            public boolean needsReplaced() {
                return false;
            }

            @Override
            public Optional<Publisher.Files> files(List<GenericRecord> replaced, LakeRows.Content replacedContent) {
                return replacedContent.equals(newContent) ? Optional.empty()
                        : Optional.of(new Publisher.Files(TableFiles.write(table, def, rows, context.runId()), true));
            }
        }, Publisher.Gate.NONE, Map.of("stock-ingest.rows", Integer.toString(rows.size()))).isPresent();
    }

    /**
     * Merges {@code rows} into the table by its key, within the span they cover (the scope column's values, the range
     * column between its least and greatest value): stored rows with other keys stay, a stored row with the key of a
     * new one is replaced; nothing is committed when no value changes.
     */
    private WriteResult merge(IcebergTable def, List<GenericRecord> rows, RunContext context) {
        if (rows.isEmpty()) {
            return WriteResult.NOTHING;
        }
        return onIoThread("write " + def.tableName(), () -> {
            Table table = tables.table(def);
            TreeSet<Object> scopes = new TreeSet<>();
            Object low = null;
            Object high = null;
            for (GenericRecord row : rows) {
                scopes.add(LakeRows.keyPart(row, def.scope()));
                Object value = LakeRows.keyPart(row, def.range());
                if (value != null) {
                    low = low == null || compare(value, low) < 0 ? value : low;
                    high = high == null || compare(value, high) > 0 ? value : high;
                }
            }
            Expression filter = Expressions.in(def.scope(), scopes.toArray());
            if (low != null) {
                filter = Expressions.and(filter, Expressions.and(Expressions.greaterThanOrEqual(def.range(), low), Expressions.lessThanOrEqual(def.range(), high)));
            }
            boolean published = publisher(context).publish(table, def, filter, new Publisher.NewRows() {
                @Override
                public boolean needsReplaced() {
                    return true;
                }

                @Override
                public Optional<Publisher.Files> files(List<GenericRecord> replaced, LakeRows.Content replacedContent) {
                    Map<List<Object>, GenericRecord> merged = new LinkedHashMap<>();
                    replaced.forEach(r -> merged.put(key(def, r), r));
                    rows.forEach(r -> merged.put(key(def, r), r));
                    LakeRows.Content content = LakeRows.Content.EMPTY;
                    for (GenericRecord r : merged.values()) {
                        content = content.plus(r);
                    }
                    return content.equals(replacedContent) ? Optional.empty()
                            : Optional.of(new Publisher.Files(TableFiles.write(table, def, List.copyOf(merged.values()), context.runId()), true));
                }
            }, Publisher.Gate.NONE, Map.of("stock-ingest.rows", Integer.toString(rows.size()))).isPresent();
            return published ? new WriteResult(1, 0, rows.size()) : new WriteResult(0, 1, 0);
        });
    }

    @SuppressWarnings("unchecked")
    private static int compare(Object a, Object b) {
        return ((Comparable<Object>) a).compareTo(b);
    }

    private static List<Object> key(IcebergTable def, GenericRecord row) {
        List<Object> key = new ArrayList<>(def.key().size());
        def.key().forEach(column -> key.add(LakeRows.keyPart(row, column)));
        return key;
    }

    @Override
    public WriteResult writeStatements(List<FinancialStatement> statements, WriteOptions options, RunContext context) {
        return merge(IcebergTable.FUNDAMENTALS, statements.stream().map(s -> LakeSchemas.statement(s, context.ingestTs())).toList(), context);
    }

    @Override
    public WriteResult writeOptions(List<OptionSnapshot> snapshots, WriteOptions options, RunContext context) {
        return merge(IcebergTable.OPTION_SNAPSHOTS, snapshots.stream().map(o -> LakeSchemas.option(o, context.ingestTs())).toList(), context);
    }

    @Override
    public WriteResult writeActions(List<CorporateAction> actions, WriteOptions options, RunContext context) {
        return merge(IcebergTable.CORPORATE_ACTIONS, actions.stream().map(a -> LakeSchemas.action(a, context.ingestTs())).toList(), context);
    }

    @Override
    public WriteResult writeQuotes(List<Quote> quotes, RunContext context) {
        return merge(IcebergTable.QUOTES, quotes.stream().map(q -> LakeSchemas.quote(q, context.ingestTs())).toList(), context);
    }

    /** Kept until {@link #flush}, then replaces the quarantine rows of the same run id. */
    @Override
    public synchronized void writeQuarantine(List<Rejected> rejected, RunContext context) {
        if (!rejected.isEmpty()) {
            quarantine.addAll(rejected);
            quarantineContext = context;
        }
    }

    /** Kept until {@link #flush}, then replaces the {@code ingest_runs} row of the same run id. */
    @Override
    public synchronized void writeRun(RunReport report) {
        runReport = report;
    }

    static GenericRecord runRow(RunReport report, Instant ingestTs) {
        GenericRecord row = new GenericData.Record(IcebergTable.Runs.SCHEMA);
        row.put("run_id", report.runId());
        row.put("command", report.command());
        row.put("source", report.source());
        row.put("started_at", LakeSchemas.micros(report.startedAt()));
        row.put("finished_at", report.finishedAt() == null ? null : LakeSchemas.micros(report.finishedAt()));
        row.put("duration_ms", report.durationMs());
        row.put("exit_code", report.exitCode());
        row.put("status", report.status());
        row.put("symbols_requested", report.symbolsRequested());
        row.put("symbols_succeeded", report.symbolsSucceeded());
        row.put("symbols_failed", report.symbolsFailed());
        row.put("rows_written", report.rowsWritten());
        row.put("rows_quarantined", report.rowsQuarantined());
        row.put("metrics", report.toJson());
        return row;
    }

    @Override
    public void close() {
        io.shutdown();
        try {
            // after the I/O thread's last task: nothing submits to the feature pool any more
            io.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (featurePool != null) {
            featurePool.shutdownNow();
        }
        if (catalog instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing the catalog's connection pool; nothing is lost
            }
        }
    }
}
