package io.stockingest.sink.iceberg;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.features.FeatureCalculator;
import io.stockingest.core.features.FeatureSeries;
import io.stockingest.core.features.Session;
import io.stockingest.core.features.StoredTail;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The rows of {@code price_features} and {@code price_cumulative_7d} for the symbols a run wrote daily bars of,
 * computed by {@link FeatureCalculator} from {@code prices_daily} as {@code main} holds it after the run's bars were
 * published: for each symbol, from the first session the run wrote (or the first stored session that has no feature
 * row yet, left by a run with {@code --no-features}) on, with the {@link StoredTail#SESSIONS} sessions before as the
 * tail, so the rows equal those of a full recomputation bit for bit.
 *
 * <p>The run's own bars are not read back: the sink keeps them per symbol as columns ({@link Series}) and passes
 * them in. Of {@code prices_daily} only the stored rows that are not the run's are read (outside each symbol's replaced
 * range; the run's files are pruned by their date bounds), from {@link #WINDOW_DAYS} calendar days before each symbol's
 * first written session on; only the symbols for which that window does not settle the tail (fewer sessions in it, or
 * a session in it without a feature row that may continue before it) are read again before the window, which a
 * backfill into new tables prunes to nothing by the month partitions.
 *
 * <p>The rows are computed and encoded on a small pool of platform threads, in groups of symbols, their content
 * digest summed from the series' columns ({@link LakeRows#featuresDigest}), not from a record per row. Into empty
 * tables the sink starts groups ahead, at each spill ({@link #ahead}); {@link #compute} uses a group's files for its
 * symbols when their sessions turned out to be exactly those it was computed from, and computes the rest itself.
 *
 * <p>Not thread-safe: used on the sink's I/O thread (the pool's tasks share nothing but the tables, which they only
 * write new files to).
 */
final class IcebergFeatures {
    /** Calendar days before a symbol's first written session read for its tail: 49 sessions of a listed stock lie within 80. */
    static final int WINDOW_DAYS = 120;
    /**
     * Feature rows computed before they are written as data files (one per month partition): a backfill of a thousand
     * symbols over five years writes about five files per month and table, and holds a quarter of its series at once.
     */
    private static final int ROWS_PER_WRITE = 250_000;

    private final IcebergTables tables;
    private final ExecutorService pool;

    /** @param pool platform threads ({@link #threads} of them) computing and encoding groups of symbols */
    IcebergFeatures(IcebergTables tables, ExecutorService pool) {
        this.tables = requireNonNull(tables, "tables is null");
        this.pool = requireNonNull(pool, "pool is null");
    }

    /** A pool for {@link #IcebergFeatures}: {@link #threads} daemon platform threads (Iceberg's Parquet code must not run on a virtual thread). */
    static ExecutorService newPool() {
        return Executors.newFixedThreadPool(threads(), Thread.ofPlatform().name("iceberg-features-", 0).daemon(true).factory());
    }

    /**
     * Feature rows computed ahead, while the run still fetches (at a spill), from the run's bars alone, as if the
     * table held no other session of those symbols: used at the flush for the symbols whose sessions turn out to be
     * exactly those (no stored row, no later bar of the symbol), discarded otherwise. Either way the same
     * {@link FeatureCalculator} over the same sessions: the rows are the same bits.
     */
    static final class Ahead {
        private final Map<String, Integer> sizes;
        private final Instant ingestTs;
        private final Future<Written> result;
        private final Table featuresTable;
        private final Table cumulativeTable;

        private Ahead(Map<String, Integer> sizes, Instant ingestTs, Future<Written> result, Table featuresTable, Table cumulativeTable) {
            this.sizes = sizes;
            this.ingestTs = ingestTs;
            this.result = result;
            this.featuresTable = featuresTable;
            this.cumulativeTable = cumulativeTable;
        }

        /** The group's files and content; null if computing them failed (the symbols are computed again at the flush). */
        Written await() {
            try {
                return result.get();
            } catch (ExecutionException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.cancel(true);
                throw new IllegalStateException("interrupted while waiting for feature rows", e);
            }
        }

        /** Waits for the group and deletes its files: the run ends without publishing them. */
        void discard() {
            try {
                Written w = await();
                if (w != null) {
                    delete(w, featuresTable, cumulativeTable);
                }
            } catch (RuntimeException e) {
                // best effort: 'iceberg maintain' removes orphan files
            }
        }
    }

    /**
     * Starts computing and writing, on {@code pool}, the feature rows of {@code symbols} from the bars the run has
     * written of them so far ({@code run}, copied: the run goes on adding to it), with no stored tail. On the sink's
     * I/O thread (it loads the tables).
     */
    static Ahead ahead(IcebergTables tables, ExecutorService pool, Map<String, Series> run, Collection<String> symbols, Instant ingestTs, String runId) {
        Table featuresTable = tables.table(IcebergTable.PRICE_FEATURES);
        Table cumulativeTable = tables.table(IcebergTable.PRICE_CUMULATIVE_7D);
        Map<String, Integer> sizes = new TreeMap<>();
        List<Work> group = new ArrayList<>(symbols.size());
        for (String symbol : new TreeSet<>(symbols)) {
            Series bars = run.get(symbol);
            if (bars == null) {
                continue;
            }
            Series copy = new Series();
            for (int i = 0; i < bars.size; i++) {
                copy.add(bars.date[i], bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]);
            }
            copy.sorted();
            sizes.put(symbol, copy.size());
            group.add(new Work(symbol, copy, new Plan(copy.size() == 0 ? 0 : copy.date[0], 0, 0)));
        }
        Future<Written> result = pool.submit(() -> computeAndWrite(group, featuresTable, cumulativeTable, ingestTs, runId));
        return new Ahead(sizes, ingestTs, result, featuresTable, cumulativeTable);
    }

    private static void delete(Written w, Table featuresTable, Table cumulativeTable) {
        w.features().forEach(f -> featuresTable.io().deleteFile(f.location()));
        w.cumulative().forEach(f -> cumulativeTable.io().deleteFile(f.location()));
    }

    /** The new rows of the two tables, written as data files not committed yet, and the rows they replace. */
    record Change(Expression filter, Pending features, Pending cumulative) {}

    /** One table's new rows: its files and their content. */
    static final class Pending {
        final IcebergTable def;
        final List<DataFile> files = new ArrayList<>();
        LakeRows.Content content = LakeRows.Content.EMPTY;

        Pending(IcebergTable def) {
            this.def = def;
        }
    }

    /**
     * Computes and writes (without committing) the feature rows of {@code first}'s symbols from their first written
     * session on.
     *
     * <p>The sessions are those {@code prices_daily}'s {@code main} holds once the run's bars are published: the run's
     * own bars, which {@code run} holds as columns (they are not read back), and the stored rows of those symbols that
     * are not the run's (outside the requested range the run's overwrite replaced, and on none of the run's dates),
     * read from the table: before the run's window (the tail, and sessions without feature rows) and after it (later
     * sessions a backfill of older dates affects). A backfill into an empty table reads nothing: the scan's filter
     * prunes the run's own files by their date bounds.
     *
     * @param first per symbol, the first session the run wrote
     * @param run per symbol, the daily bars the run wrote (as written: in any order)
     * @param ranges per symbol, the requested range whose rows the run's overwrite replaced
     */
    Change compute(Map<String, LocalDate> first, Map<String, Series> run, Map<String, DateRange> ranges, List<Ahead> ahead, Instant ingestTs,
            String runId) {
        long t = Timing.start();
        List<Written> early = new ArrayList<>(ahead.size());
        try {
            for (Ahead a : ahead) {
                early.add(a.await());
            }
        } catch (RuntimeException e) {
            ahead.forEach(Ahead::discard);
            throw e;
        }
        Timing.mark("  features waited for the groups computed ahead (" + ahead.size() + ")", t);
        try {
            return compute(first, run, ranges, ahead, early, ingestTs, runId);
        } catch (RuntimeException e) {
            for (int i = 0; i < ahead.size(); i++) {
                if (early.get(i) != null) {
                    delete(early.get(i), ahead.get(i).featuresTable, ahead.get(i).cumulativeTable);
                }
            }
            throw e;
        }
    }

    private Change compute(Map<String, LocalDate> first, Map<String, Series> run, Map<String, DateRange> ranges, List<Ahead> ahead, List<Written> early,
            Instant ingestTs, String runId) {
        long t = Timing.start();
        Table prices = tables.table(IcebergTable.PRICES_DAILY);
        prices.refresh();
        LocalDate windowFrom = first.values().stream().min(LocalDate::compareTo).orElseThrow().minusDays(WINDOW_DAYS);
        LocalDate lastFirst = first.values().stream().max(LocalDate::compareTo).orElseThrow();
        Map<String, Series> stored = new HashMap<>();
        Map<String, Set<Integer>> featureDates = new HashMap<>();
        RunRows own = new RunRows(run, ranges);
        read(prices, first.keySet(), windowFrom, null, lastFirst, own, stored, featureDates);
        first.keySet().forEach(symbol -> {
            Series bars = run.get(symbol);
            if (bars != null) {
                Series series = stored.computeIfAbsent(symbol, s -> new Series());
                for (int i = 0; i < bars.size; i++) {
                    series.add(bars.date[i], bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]);
                }
            }
        });
        Timing.mark("  features read window", t);
        t = Timing.start();

        Set<String> again = new HashSet<>();
        first.forEach((symbol, date) -> {
            Series series = stored.getOrDefault(symbol, Series.EMPTY);
            Plan plan = plan(series.sorted(), featureDates.getOrDefault(symbol, Set.of()), date, (int) date.minusDays(WINDOW_DAYS).toEpochDay());
            if (plan == null) {
                again.add(symbol);
            }
        });
        if (!again.isEmpty()) {
            read(prices, again, null, windowFrom, lastFirst, own, stored, featureDates);
        }

        Timing.mark("  features read again (" + again.size() + ")", t);
        t = Timing.start();
        List<Work> work = new ArrayList<>(first.size());
        Map<LocalDate, List<String>> fromGroups = new TreeMap<>();
        long total = 0;
        for (var entry : new TreeMap<>(first).entrySet()) {
            String symbol = entry.getKey();
            Series series = stored.getOrDefault(symbol, Series.EMPTY).sorted();
            Plan plan = plan(series, featureDates.getOrDefault(symbol, Set.of()), entry.getValue(), again.contains(symbol) ? Integer.MIN_VALUE
                    : (int) entry.getValue().minusDays(WINDOW_DAYS).toEpochDay());
            if (plan == null) {
                throw new IllegalStateException("the whole series of " + symbol + " was read and still does not settle its tail");
            }
            fromGroups.computeIfAbsent(LocalDate.ofEpochDay(plan.from()), d -> new ArrayList<>()).add(symbol);
            work.add(new Work(symbol, series, plan));
            total += series.size() - plan.fromIndex();
        }
        stored.clear();
        // the groups computed ahead whose symbols' sessions are exactly the ones they were computed from
        Map<String, Work> bySymbol = new HashMap<>();
        work.forEach(w -> bySymbol.put(w.symbol(), w));
        Set<String> covered = new HashSet<>();
        List<Written> reused = new ArrayList<>();
        for (int i = 0; i < ahead.size(); i++) {
            Ahead a = ahead.get(i);
            Written w = early.get(i);
            boolean valid = w != null && a.ingestTs.equals(ingestTs) && a.sizes.entrySet().stream().allMatch(e -> {
                Work x = bySymbol.get(e.getKey());
                return x != null && !covered.contains(e.getKey()) && x.plan().fromIndex() == 0 && x.plan().tailStart() == 0
                        && x.series().size() == e.getValue();
            });
            if (valid) {
                covered.addAll(a.sizes.keySet());
                reused.add(w);
            } else if (w != null) {
                delete(w, a.featuresTable, a.cumulativeTable);
            }
            early.set(i, null); // reused: computeAndWrite owns them now (deletes them if it fails)
        }
        Timing.mark("  features: " + covered.size() + " symbols' rows computed ahead", t);
        t = Timing.start();
        List<Work> rest = new ArrayList<>(work.size() - covered.size());
        long restRows = 0;
        for (Work w : work) {
            if (!covered.contains(w.symbol())) {
                rest.add(w);
                restRows += w.series().size() - w.plan().fromIndex();
            }
        }
        work.clear();
        bySymbol.clear();
        Change change = computeAndWrite(rest, restRows, reused, ingestTs, runId);
        Timing.mark("  features compute+write", t);
        Expression filter = Expressions.alwaysFalse();
        for (var from : fromGroups.entrySet()) {
            filter = Expressions.or(filter, Expressions.and(Expressions.in("symbol", from.getValue().toArray()),
                    Expressions.greaterThanOrEqual("date", (int) from.getKey().toEpochDay())));
        }
        return new Change(filter, change.features(), change.cumulative());
    }

    /** One symbol's series and the rows of it to compute. */
    private record Work(String symbol, Series series, Plan plan) {}

    /** One group's written files and content. */
    record Written(List<DataFile> features, LakeRows.Content featuresContent, List<DataFile> cumulative, LakeRows.Content cumulativeContent) {}

    /**
     * Computes the rows of {@code work} (in symbol order) and writes them, in consecutive groups of symbols of at most
     * {@link #ROWS_PER_WRITE} rows, on a small pool of platform threads (Iceberg's Parquet code must not run on a
     * virtual thread): the groups' files, in group order, and their content summed from the series' columns.
     */
    private Change computeAndWrite(List<Work> work, long total, List<Written> reused, Instant ingestTs, String runId) {
        // (the files of reused are this call's: deleted with the rest if it fails)
        Table featuresTable = tables.table(IcebergTable.PRICE_FEATURES);
        Table cumulativeTable = tables.table(IcebergTable.PRICE_CUMULATIVE_7D);
        int threads = threads();
        // as many groups as fit ROWS_PER_WRITE, rounded up to a multiple of the threads so that they end together
        long groups = Math.max(1, (total + ROWS_PER_WRITE - 1) / ROWS_PER_WRITE);
        groups = (groups + threads - 1) / threads * threads;
        long perGroup = Math.max(1, (total + groups - 1) / groups);
        List<List<Work>> split = new ArrayList<>();
        List<Work> group = new ArrayList<>();
        long rows = 0;
        for (Work w : work) {
            group.add(w);
            rows += w.series().size() - w.plan().fromIndex();
            if (rows >= perGroup) {
                split.add(group);
                group = new ArrayList<>();
                rows = 0;
            }
        }
        if (!group.isEmpty()) {
            split.add(group);
        }
        Pending features = new Pending(IcebergTable.PRICE_FEATURES);
        Pending cumulative = new Pending(IcebergTable.PRICE_CUMULATIVE_7D);
        List<Written> written = new ArrayList<>(reused);
        RuntimeException failure = null;
        if (split.size() <= 1 || threads == 1) {
            for (List<Work> g : split) {
                try {
                    written.add(computeAndWrite(g, featuresTable, cumulativeTable, ingestTs, runId));
                } catch (RuntimeException e) {
                    failure = e;
                    break;
                }
            }
        } else {
            List<Future<Written>> futures = new ArrayList<>();
            for (List<Work> g : split) {
                futures.add(pool.submit(() -> computeAndWrite(g, featuresTable, cumulativeTable, ingestTs, runId)));
            }
            for (Future<Written> future : futures) {
                try {
                    written.add(future.get());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    }
                } catch (InterruptedException e) {
                    // the groups still running may leave files: orphans, which 'iceberg maintain' removes
                    Thread.currentThread().interrupt();
                    futures.forEach(f -> f.cancel(true));
                    failure = new IllegalStateException("interrupted while computing features", e);
                    break;
                }
            }
        }
        for (Written w : written) {
            features.files.addAll(w.features());
            features.content = features.content.plus(w.featuresContent());
            cumulative.files.addAll(w.cumulative());
            cumulative.content = cumulative.content.plus(w.cumulativeContent());
        }
        if (failure != null) {
            features.files.forEach(f -> featuresTable.io().deleteFile(f.location()));
            cumulative.files.forEach(f -> cumulativeTable.io().deleteFile(f.location()));
            throw failure;
        }
        return new Change(Expressions.alwaysFalse(), features, cumulative);
    }

    /** Threads computing and encoding feature rows: the cores, up to 4. */
    static int threads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /** Computes one group's series, sums their rows' digests and writes both tables' files, one per partition. */
    private static Written computeAndWrite(List<Work> group, Table featuresTable, Table cumulativeTable, Instant ingestTs, String runId) {
        List<FeatureSeries> computed = new ArrayList<>(group.size());
        long rows = 0;
        long featuresDigest = 0;
        long cumulativeDigest = 0;
        long t = Timing.start();
        long cpu = Timing.cpu();
        long computeCpu = 0;
        for (Work w : group) {
            Series series = w.series();
            Plan plan = w.plan();
            long c = Timing.cpu();
            FeatureSeries f = FeatureCalculator.compute(new Symbol(w.symbol()), series.sessions(plan.tailStart(), plan.fromIndex()),
                    series.sessions(plan.fromIndex(), series.size()));
            computeCpu += Timing.cpu() - c;
            long symbolHash = LakeRows.symbolHash(w.symbol());
            for (int i = 0; i < f.size(); i++) {
                featuresDigest += LakeRows.featuresDigest(f, i, symbolHash);
                cumulativeDigest += LakeRows.cumulativeDigest(f, i, symbolHash);
            }
            rows += f.size();
            computed.add(f);
        }
        long digestCpu = Timing.cpu() - cpu - computeCpu;
        long encode = Timing.cpu();
        List<DataFile> features = TableFiles.writeFeatures(featuresTable, IcebergTable.PRICE_FEATURES, computed, ingestTs, runId);
        List<DataFile> cumulative;
        try {
            cumulative = TableFiles.writeFeatures(cumulativeTable, IcebergTable.PRICE_CUMULATIVE_7D, computed, ingestTs, runId);
        } catch (RuntimeException e) {
            features.forEach(f -> featuresTable.io().deleteFile(f.location()));
            throw e;
        }
        if (Timing.ON) {
            Timing.mark(String.format(java.util.Locale.ROOT, "  features group of %d rows (CPU s: compute %.3f, digest %.3f, encode %.3f)", rows,
                    computeCpu / 1e9, digestCpu / 1e9, (Timing.cpu() - encode) / 1e9), t);
        }
        return new Written(features, new LakeRows.Content(rows, featuresDigest), cumulative, new LakeRows.Content(rows, cumulativeDigest));
    }

    /**
     * Where a symbol's rows are recomputed from: its first written session, or the first stored session without a
     * feature row if earlier; null when the sessions read from {@code windowStart} on do not settle it (fewer than the
     * tail before it, or a session without a feature row at the window's start, whose gap may begin earlier).
     */
    private static Plan plan(Series series, Set<Integer> featureDates, LocalDate first, int windowStart) {
        int firstDay = (int) first.toEpochDay();
        int from = firstDay;
        boolean gapAtStart = false;
        for (int i = 0; i < series.size() && series.date[i] < firstDay; i++) {
            if (series.date[i] >= windowStart && !featureDates.contains(series.date[i])) {
                from = Math.min(from, series.date[i]);
                gapAtStart |= i == series.firstFrom(windowStart);
            }
        }
        int fromIndex = series.firstFrom(from);
        int tailStart = Math.max(0, fromIndex - StoredTail.SESSIONS);
        boolean windowed = windowStart != Integer.MIN_VALUE;
        if (windowed && (gapAtStart || fromIndex - series.firstFrom(windowStart) < StoredTail.SESSIONS)) {
            return null;
        }
        return new Plan(from, fromIndex, tailStart);
    }

    private record Plan(int from, int fromIndex, int tailStart) {}

    /**
     * What of {@code prices_daily} is the run's own: per symbol, the range its overwrite replaced and the dates of the
     * bars it wrote (a symbol written in several batches may have rows outside the last batch's range).
     */
    private static final class RunRows {
        final Map<String, DateRange> ranges;
        final Map<String, Set<Integer>> dates = new HashMap<>();

        RunRows(Map<String, Series> run, Map<String, DateRange> ranges) {
            this.ranges = ranges;
            run.forEach((symbol, series) -> {
                Set<Integer> days = new HashSet<>(series.size * 2);
                for (int i = 0; i < series.size; i++) {
                    days.add(series.date[i]);
                }
                dates.put(symbol, days);
            });
        }

        /** Rows of {@code symbols} that may be stored rows, not the run's: outside each symbol's replaced range. */
        Expression notOwn(Collection<String> symbols) {
            Map<DateRange, List<String>> groups = new TreeMap<>(java.util.Comparator.comparing(DateRange::from).thenComparing(DateRange::to));
            List<String> none = new ArrayList<>();
            for (String symbol : symbols) {
                DateRange range = ranges.get(symbol);
                if (range == null) {
                    none.add(symbol);
                } else {
                    groups.computeIfAbsent(range, r -> new ArrayList<>()).add(symbol);
                }
            }
            Expression any = none.isEmpty() ? Expressions.alwaysFalse() : Expressions.in("symbol", none.toArray());
            for (var group : groups.entrySet()) {
                any = Expressions.or(any, Expressions.and(Expressions.in("symbol", group.getValue().toArray()),
                        Expressions.or(Expressions.lessThan("date", (int) group.getKey().from().toEpochDay()),
                                Expressions.greaterThan("date", (int) group.getKey().to().toEpochDay()))));
            }
            return any;
        }

        /** Whether the row of {@code symbol} on {@code day} is one of the run's (inside its range, or on a date it wrote). */
        boolean own(String symbol, int day) {
            DateRange range = ranges.get(symbol);
            if (range != null && day >= range.from().toEpochDay() && day <= range.to().toEpochDay()) {
                return true;
            }
            Set<Integer> days = dates.get(symbol);
            return days != null && days.contains(day);
        }
    }

    /**
     * Adds the stored daily sessions of {@code symbols} in [from, to) (null: unbounded) that are not the run's own to
     * {@code stored}, and the dates of their feature rows there before {@code featuresBefore} (the only ones
     * {@link #plan} looks at) to {@code featureDates}.
     */
    private void read(Table prices, Collection<String> symbols, LocalDate from, LocalDate to, LocalDate featuresBefore, RunRows own,
            Map<String, Series> stored, Map<String, Set<Integer>> featureDates) {
        Expression filter = Expressions.in("symbol", symbols.toArray());
        if (from != null) {
            filter = Expressions.and(filter, Expressions.greaterThanOrEqual("date", (int) from.toEpochDay()));
        }
        if (to != null) {
            filter = Expressions.and(filter, Expressions.lessThan("date", (int) to.toEpochDay()));
        }
        Set<String> wanted = new HashSet<>(symbols);
        if (prices.currentSnapshot() != null) {
            try (CloseableIterable<Record> rows = IcebergGenerics.read(prices).where(Expressions.and(filter, own.notOwn(symbols)))
                    .select("symbol", "date", "open", "high", "low", "close", "volume").build()) {
                for (Record row : rows) {
                    String symbol = row.getField("symbol").toString();
                    LocalDate date = (LocalDate) row.getField("date");
                    int day = (int) date.toEpochDay();
                    if (wanted.contains(symbol) && (from == null || !date.isBefore(from)) && (to == null || date.isBefore(to)) && !own.own(symbol, day)) {
                        stored.computeIfAbsent(symbol, s -> new Series()).add(day, (Double) row.getField("open"),
                                (Double) row.getField("high"), (Double) row.getField("low"), (Double) row.getField("close"), (Long) row.getField("volume"));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!tables.exists(IcebergTable.PRICE_FEATURES)) {
            return;
        }
        Table features = tables.table(IcebergTable.PRICE_FEATURES);
        features.refresh();
        if (features.currentSnapshot() == null) {
            return;
        }
        Expression before = Expressions.and(filter, Expressions.lessThan("date", (int) featuresBefore.toEpochDay()));
        try (CloseableIterable<Record> rows = IcebergGenerics.read(features).where(before).select("symbol", "date").build()) {
            for (Record row : rows) {
                String symbol = row.getField("symbol").toString();
                LocalDate date = (LocalDate) row.getField("date");
                if (wanted.contains(symbol) && (from == null || !date.isBefore(from)) && (to == null || date.isBefore(to)) && date.isBefore(featuresBefore)) {
                    featureDates.computeIfAbsent(symbol, s -> new HashSet<>()).add((int) date.toEpochDay());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One symbol's daily sessions as columns: the bars a run wrote (44 bytes a session: a backfill of a thousand
     * symbols over five years holds 55 MB), or those stored.
     */
    static final class Series {
        static final Series EMPTY = new Series();
        int[] date = new int[16];
        double[] open = new double[16];
        double[] high = new double[16];
        double[] low = new double[16];
        double[] close = new double[16];
        long[] volume = new long[16];
        int size;
        boolean sorted = true;

        int size() {
            return size;
        }

        void add(int day, double o, double h, double l, double c, long v) {
            if (size == date.length) {
                int n = size * 2;
                date = Arrays.copyOf(date, n);
                open = Arrays.copyOf(open, n);
                high = Arrays.copyOf(high, n);
                low = Arrays.copyOf(low, n);
                close = Arrays.copyOf(close, n);
                volume = Arrays.copyOf(volume, n);
            }
            sorted &= size == 0 || date[size - 1] < day;
            date[size] = day;
            open[size] = o;
            high[size] = h;
            low[size] = l;
            close[size] = c;
            volume[size] = v;
            size++;
        }

        /** This series in date order (itself when it is). */
        Series sorted() {
            if (sorted) {
                return this;
            }
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Integer.compare(date[a], date[b]));
            Series out = new Series();
            for (int i : order) {
                out.add(date[i], open[i], high[i], low[i], close[i], volume[i]);
            }
            date = out.date;
            open = out.open;
            high = out.high;
            low = out.low;
            close = out.close;
            volume = out.volume;
            sorted = true;
            return this;
        }

        /** The index of the first session on or after {@code day}. */
        int firstFrom(int day) {
            int i = Arrays.binarySearch(date, 0, size, day);
            return i >= 0 ? i : -i - 1;
        }

        List<Session> sessions(int from, int to) {
            List<Session> out = new ArrayList<>(Math.max(0, to - from));
            for (int i = from; i < to; i++) {
                out.add(new Session(LocalDate.ofEpochDay(date[i]), open[i], high[i], low[i], close[i], volume[i]));
            }
            return out;
        }
    }
}
