package io.stockingest.sink.iceberg;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.features.FeatureCalculator;
import io.stockingest.core.features.FeatureSeries;
import io.stockingest.core.features.Session;
import io.stockingest.core.features.StoredTail;
import io.stockingest.core.model.Symbol;
import io.stockingest.lake.LakeSchemas;
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
 * <p>{@code prices_daily} is read from {@link #WINDOW_DAYS} calendar days before each symbol's first written session
 * on; only the symbols for which that window does not settle the tail (fewer sessions in it, or a session in it
 * without a feature row that may continue before it) are read again before the window, which a backfill into new
 * tables prunes to nothing by the month partitions.
 *
 * <p>Not thread-safe: used on the sink's I/O thread.
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

    IcebergFeatures(IcebergTables tables) {
        this.tables = requireNonNull(tables, "tables is null");
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
     * @param first per symbol, the first session the run wrote
     */
    Change compute(Map<String, LocalDate> first, Instant ingestTs, String runId) {
        long t = Timing.start();
        Table prices = tables.table(IcebergTable.PRICES_DAILY);
        prices.refresh();
        LocalDate windowFrom = first.values().stream().min(LocalDate::compareTo).orElseThrow().minusDays(WINDOW_DAYS);
        Map<String, Series> stored = new HashMap<>();
        Map<String, Set<Integer>> featureDates = new HashMap<>();
        read(prices, first.keySet(), windowFrom, null, stored, featureDates);
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
            read(prices, again, null, windowFrom, stored, featureDates);
        }

        Timing.mark("  features read again (" + again.size() + ")", t);
        t = Timing.start();
        Table featuresTable = tables.table(IcebergTable.PRICE_FEATURES);
        Table cumulativeTable = tables.table(IcebergTable.PRICE_CUMULATIVE_7D);
        Pending features = new Pending(IcebergTable.PRICE_FEATURES);
        Pending cumulative = new Pending(IcebergTable.PRICE_CUMULATIVE_7D);
        Map<LocalDate, List<String>> fromGroups = new TreeMap<>();
        List<FeatureSeries> group = new ArrayList<>();
        int groupRows = 0;
        try {
            for (var entry : new TreeMap<>(first).entrySet()) {
                String symbol = entry.getKey();
                Series series = stored.getOrDefault(symbol, Series.EMPTY).sorted();
                Plan plan = plan(series, featureDates.getOrDefault(symbol, Set.of()), entry.getValue(), again.contains(symbol) ? Integer.MIN_VALUE
                        : (int) entry.getValue().minusDays(WINDOW_DAYS).toEpochDay());
                if (plan == null) {
                    throw new IllegalStateException("the whole series of " + symbol + " was read and still does not settle its tail");
                }
                fromGroups.computeIfAbsent(LocalDate.ofEpochDay(plan.from()), d -> new ArrayList<>()).add(symbol);
                FeatureSeries computed = FeatureCalculator.compute(new Symbol(symbol), series.sessions(plan.tailStart(), plan.fromIndex()),
                        series.sessions(plan.fromIndex(), series.size()));
                stored.remove(symbol);
                for (int i = 0; i < computed.size(); i++) {
                    features.content = features.content.plus(LakeSchemas.features(computed, i, ingestTs));
                    cumulative.content = cumulative.content.plus(LakeSchemas.cumulative(computed, i, ingestTs));
                }
                group.add(computed);
                groupRows += computed.size();
                if (groupRows >= ROWS_PER_WRITE) {
                    write(group, featuresTable, cumulativeTable, features, cumulative, ingestTs, runId);
                    groupRows = 0;
                }
            }
            write(group, featuresTable, cumulativeTable, features, cumulative, ingestTs, runId);
            Timing.mark("  features compute+write", t);
        } catch (RuntimeException e) {
            features.files.forEach(f -> featuresTable.io().deleteFile(f.location()));
            cumulative.files.forEach(f -> cumulativeTable.io().deleteFile(f.location()));
            throw e;
        }
        Expression filter = Expressions.alwaysFalse();
        for (var from : fromGroups.entrySet()) {
            filter = Expressions.or(filter, Expressions.and(Expressions.in("symbol", from.getValue().toArray()),
                    Expressions.greaterThanOrEqual("date", (int) from.getKey().toEpochDay())));
        }
        return new Change(filter, features, cumulative);
    }

    /** Writes the rows of {@code group}'s series to both tables' files, one file per partition, and empties it. */
    private static void write(List<FeatureSeries> group, Table featuresTable, Table cumulativeTable, Pending features, Pending cumulative,
            Instant ingestTs, String runId) {
        if (!group.isEmpty()) {
            features.files.addAll(TableFiles.writeFeatures(featuresTable, features.def, group, ingestTs, runId));
            cumulative.files.addAll(TableFiles.writeFeatures(cumulativeTable, cumulative.def, group, ingestTs, runId));
            group.clear();
        }
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
     * Adds the stored daily sessions of {@code symbols} in [from, to) (null: unbounded) to {@code stored}, and the
     * dates of their feature rows there to {@code featureDates}.
     */
    private void read(Table prices, Collection<String> symbols, LocalDate from, LocalDate to, Map<String, Series> stored,
            Map<String, Set<Integer>> featureDates) {
        Expression filter = Expressions.in("symbol", symbols.toArray());
        if (from != null) {
            filter = Expressions.and(filter, Expressions.greaterThanOrEqual("date", (int) from.toEpochDay()));
        }
        if (to != null) {
            filter = Expressions.and(filter, Expressions.lessThan("date", (int) to.toEpochDay()));
        }
        Set<String> wanted = new HashSet<>(symbols);
        try (CloseableIterable<Record> rows = IcebergGenerics.read(prices).where(filter)
                .select("symbol", "date", "open", "high", "low", "close", "volume").build()) {
            for (Record row : rows) {
                String symbol = row.getField("symbol").toString();
                LocalDate date = (LocalDate) row.getField("date");
                if (wanted.contains(symbol) && (from == null || !date.isBefore(from)) && (to == null || date.isBefore(to))) {
                    stored.computeIfAbsent(symbol, s -> new Series()).add((int) date.toEpochDay(), (Double) row.getField("open"),
                            (Double) row.getField("high"), (Double) row.getField("low"), (Double) row.getField("close"), (Long) row.getField("volume"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!tables.exists(IcebergTable.PRICE_FEATURES)) {
            return;
        }
        Table features = tables.table(IcebergTable.PRICE_FEATURES);
        features.refresh();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(features).where(filter).select("symbol", "date").build()) {
            for (Record row : rows) {
                String symbol = row.getField("symbol").toString();
                LocalDate date = (LocalDate) row.getField("date");
                if (wanted.contains(symbol) && (from == null || !date.isBefore(from)) && (to == null || date.isBefore(to))) {
                    featureDates.computeIfAbsent(symbol, s -> new HashSet<>()).add((int) date.toEpochDay());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One symbol's stored sessions as columns (a backfill of a thousand symbols holds them all). */
    private static final class Series {
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
