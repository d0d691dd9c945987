package io.stockingest.sink.iceberg;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.pipeline.BarValidator;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.lake.LakeSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The audit of a run's staged price snapshot: the six checks of the gate the product replaces, on the staged data.
 * The row checks are the pipeline's own row rules ({@link BarValidator#check}), named as it names them:
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
 * <p>Reads on the sink's I/O thread; not thread-safe.
 */
final class BarGate implements Publisher.Gate {
    private static final int NAMED = 5;
    private final BarValidator validator;
    private final IcebergTable def;
    private final Interval interval;
    private final Map<String, DateRange> ranges;
    private final Map<String, Long> rows;
    private final Expression filter;

    /**
     * @param ranges the requested range of every symbol the run wrote
     * @param rows the rows the run wrote per symbol
     * @param filter the rows the run replaces
     */
    BarGate(BarValidator validator, IcebergTable def, Interval interval, Map<String, DateRange> ranges, Map<String, Long> rows, Expression filter) {
        this.validator = requireNonNull(validator, "validator is null");
        this.def = requireNonNull(def, "def is null");
        this.interval = requireNonNull(interval, "interval is null");
        this.ranges = Map.copyOf(ranges);
        this.rows = Map.copyOf(rows);
        this.filter = requireNonNull(filter, "filter is null");
    }

    @Override
    public List<String> check(Table table, Snapshot staged, List<DataFile> added) {
        Map<String, Long> broken = new TreeMap<>();
        Map<String, TreeSet<String>> who = new HashMap<>();
        for (DataFile file : added) {
            TableFiles.read(table, file, table.schema(), row -> {
                Bar bar = LakeSchemas.toBar(LakeRows.fromIceberg(row, def.avro()), interval);
                String symbol = bar.symbol().value();
                DateRange range = ranges.get(symbol);
                String rule = range == null ? "only_expected_symbols"
                        : validator.check(bar, range, BarRequest.Hours.EXTENDED).map(r -> r.rule()).orElse(null);
                if (rule != null) {
                    broken.merge(rule, 1L, Long::sum);
                    who.computeIfAbsent(rule, r -> new TreeSet<>()).add(symbol);
                }
            });
        }
        Map<String, Long> stagedRows = stagedRowsPerSymbol(table, staged);
        rows.forEach((symbol, expected) -> {
            long found = stagedRows.getOrDefault(symbol, 0L);
            if (found != expected) {
                broken.merge("expected_symbols_present", 1L, Long::sum);
                who.computeIfAbsent("expected_symbols_present", r -> new TreeSet<>()).add(symbol + " " + found + " of " + expected + " rows");
            }
        });
        List<String> out = new ArrayList<>();
        broken.forEach((rule, n) -> {
            TreeSet<String> names = who.get(rule);
            String listed = String.join(", ", names.stream().limit(NAMED).toList()) + (names.size() > NAMED ? " and " + (names.size() - NAMED) + " more" : "");
            out.add(rule + ": " + n + (rule.equals("expected_symbols_present") ? " symbols" : " rows") + " (" + listed + ")");
        });
        return out;
    }

    private Map<String, Long> stagedRowsPerSymbol(Table table, Snapshot staged) {
        List<String> columns = def == IcebergTable.PRICES_DAILY ? List.of("symbol", "date") : List.of("symbol", "interval", "date");
        Schema projection = table.schema().select(columns);
        Evaluator matches = new Evaluator(projection.asStruct(), filter);
        InternalRecordWrapper internal = new InternalRecordWrapper(projection.asStruct());
        Map<String, Long> counts = new HashMap<>();
        try (CloseableIterable<Record> scan = IcebergGenerics.read(table).useSnapshot(staged.snapshotId()).where(filter).select(columns).build()) {
            for (Record row : scan) {
                if (matches.eval(internal.wrap(row))) {
                    counts.merge(row.getField("symbol").toString(), 1L, Long::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counts;
    }
}
