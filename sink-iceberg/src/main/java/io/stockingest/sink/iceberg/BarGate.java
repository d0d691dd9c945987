package io.stockingest.sink.iceberg;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.pipeline.BarValidator;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.BarRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The audit of a run's staged price snapshot: the six checks of the gate the product replaces. The row checks are the
 * pipeline's own row rules ({@link BarValidator#check}), named as it names them:
 *
 * <ul>
 *   <li>{@code expected_symbols_present}: every symbol the run wrote has exactly its rows in the staged snapshot
 *       within the run's filter (the overwrite left neither gaps nor older rows);</li>
 *   <li>{@code prices_positive}: no null (NaN) or non-positive open, high, low or close;</li>
 *   <li>{@code ohlc_consistent}: {@code high >= max(open, close)} and {@code low <= min(open, close)};</li>
 *   <li>{@code volume_non_negative};</li>
 *   <li>{@code not_a_session}, {@code outside_session}, {@code out_of_range}: dates match the run's sessions (an
 *       NYSE session inside the symbol's requested range; intraday bars inside extended hours);</li>
 *   <li>{@code only_expected_symbols}: the run's files hold no symbol it did not write.</li>
 * </ul>
 *
 * <p>The run's own rows are checked as they are encoded into its data files ({@link #add}): those files hold exactly
 * these bars, so the row checks and the run's part of the counts need no second decoding of them. The staged snapshot
 * is read for what only it can tell: the rows of the run's symbols inside the filter in every <em>other</em> file
 * (rows of main that the overwrite should have replaced), and each of the run's files must be in it with the row
 * count it was written with.
 *
 * <p>Not thread-safe: used on the sink's I/O thread.
 */
final class BarGate implements Publisher.Gate {
    private static final int NAMED = 5;
    private final BarValidator validator;
    private final IcebergTable def;
    private final Interval interval;
    private final Map<String, DateRange> ranges = new TreeMap<>();
    private final Map<String, Long> rows = new HashMap<>();
    /** Per symbol: the run's rows inside its requested range (the part of the filter the run's files hold). */
    private final Map<String, Long> inRange = new HashMap<>();
    private final Map<String, Long> broken = new TreeMap<>();
    private final Map<String, TreeSet<String>> who = new HashMap<>();
    private Expression filter;

    BarGate(BarValidator validator, IcebergTable def, Interval interval) {
        this.validator = requireNonNull(validator, "validator is null");
        this.def = requireNonNull(def, "def is null");
        this.interval = requireNonNull(interval, "interval is null");
    }

    /** Checks the rows of a batch about to be written to the run's files. */
    void add(BarBatch batch) {
        String symbol = batch.symbol().value();
        ranges.put(symbol, batch.range());
        rows.merge(symbol, (long) batch.bars().size(), Long::sum);
        long inside = 0;
        for (Bar bar : batch.bars()) {
            String barSymbol = bar.symbol().value();
            DateRange range = barSymbol.equals(symbol) ? batch.range() : ranges.get(barSymbol);
            String rule = range == null ? "only_expected_symbols"
                    : validator.check(bar, range, BarRequest.Hours.EXTENDED).map(r -> r.rule()).orElse(null);
            if (rule != null) {
                broken.merge(rule, 1L, Long::sum);
                who.computeIfAbsent(rule, r -> new TreeSet<>()).add(barSymbol);
            }
            if (barSymbol.equals(symbol) && batch.range().contains(bar.date())) {
                inside++;
            }
        }
        inRange.merge(symbol, inside, Long::sum);
    }

    /** The requested range of every symbol the run wrote. */
    Map<String, DateRange> ranges() {
        return ranges;
    }

    /** The rows the run wrote per symbol. */
    Map<String, Long> rows() {
        return rows;
    }

    /** The rows the run replaces; set before {@link #check}. */
    BarGate filter(Expression filter) {
        this.filter = requireNonNull(filter, "filter is null");
        return this;
    }

    @Override
    public List<String> check(Table table, Snapshot staged, List<DataFile> added) {
        Map<String, Long> failed = new TreeMap<>(broken);
        Map<String, TreeSet<String>> names = new HashMap<>();
        who.forEach((rule, symbols) -> names.put(rule, new TreeSet<>(symbols)));
        Map<String, Long> stagedRows = new HashMap<>(inRange);
        Set<String> missingFiles = new TreeSet<>();
        otherRowsInFilter(table, staged, added, missingFiles).forEach((symbol, n) -> stagedRows.merge(symbol, n, Long::sum));
        if (!missingFiles.isEmpty()) {
            failed.merge("expected_symbols_present", (long) missingFiles.size(), Long::sum);
            names.computeIfAbsent("expected_symbols_present", r -> new TreeSet<>()).addAll(missingFiles);
        }
        rows.forEach((symbol, expected) -> {
            long found = stagedRows.getOrDefault(symbol, 0L);
            if (found != expected) {
                failed.merge("expected_symbols_present", 1L, Long::sum);
                names.computeIfAbsent("expected_symbols_present", r -> new TreeSet<>()).add(symbol + " " + found + " of " + expected + " rows");
            }
        });
        List<String> out = new ArrayList<>();
        failed.forEach((rule, n) -> {
            TreeSet<String> listed = names.get(rule);
            String text = String.join(", ", listed.stream().limit(NAMED).toList()) + (listed.size() > NAMED ? " and " + (listed.size() - NAMED) + " more" : "");
            out.add(rule + ": " + n + (rule.equals("expected_symbols_present") ? " symbols" : " rows") + " (" + text + ")");
        });
        return out;
    }

    /**
     * Per symbol, the rows inside the filter in the staged snapshot's files other than the run's; a run's file that the
     * snapshot did not add with the row count it was written with is named in {@code missingFiles}.
     */
    private Map<String, Long> otherRowsInFilter(Table table, Snapshot staged, List<DataFile> added, Set<String> missingFiles) {
        Map<String, Long> addedByStaged = new HashMap<>();
        for (DataFile file : staged.addedDataFiles(table.io())) {
            addedByStaged.put(file.location(), file.recordCount());
        }
        Set<String> ours = new HashSet<>();
        for (DataFile file : added) {
            ours.add(file.location());
            Long count = addedByStaged.get(file.location());
            if (count == null || count != file.recordCount()) {
                missingFiles.add("data file " + file.location() + (count == null ? " not in the staged snapshot" : " holds " + count + " rows"));
            }
        }
        List<String> columns = def == IcebergTable.PRICES_DAILY ? List.of("symbol", "date") : List.of("symbol", "interval", "date");
        Schema projection = table.schema().select(columns);
        Evaluator matches = new Evaluator(projection.asStruct(), filter);
        InternalRecordWrapper internal = new InternalRecordWrapper(projection.asStruct());
        Map<String, Long> counts = new HashMap<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(staged.snapshotId()).filter(filter).planFiles()) {
            for (FileScanTask task : tasks) {
                if (ours.contains(task.file().location())) {
                    continue;
                }
                TableFiles.read(table, task.file(), projection, row -> {
                    if (matches.eval(internal.wrap(row))) {
                        counts.merge(row.getField("symbol").toString(), 1L, Long::sum);
                    }
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counts;
    }
}
