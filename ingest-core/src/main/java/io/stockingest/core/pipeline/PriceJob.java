package io.stockingest.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.WriteOptions;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@code prices} run was asked to do.
 *
 * @param maxWorkers symbols (requests) fetched at once
 * @param maxQuarantineShare the batch gate: a symbol whose share of rejected rows exceeds it is not promoted
 * @param quarantineShareMinRows the fewest rows fetched for a symbol from which the share is judged: below it one
 *     bad row of three would be a third, so the bad rows are quarantined and the rest is written
 * @param starts per-symbol first dates ({@code prices --since-last}): a symbol listed here is fetched from its date
 *     up to {@code range.to()} instead of over {@code range}, and not at all when its date is after
 *     {@code range.to()} (the symbol is up to date); symbols not listed use {@code range}
 * @param recheck {@code --recheck}: ask again for sessions the sinks recorded as checked (no bar, or quarantined)
 */
public record PriceJob(
        List<Symbol> symbols,
        Interval interval,
        DateRange range,
        BarRequest.Hours hours,
        WriteOptions writeOptions,
        Shard shard,
        int maxWorkers,
        double maxQuarantineShare,
        int quarantineShareMinRows,
        Map<Symbol, LocalDate> starts,
        boolean recheck) {
    /** {@link #quarantineShareMinRows} unless configured ({@code DQ_QUARANTINE_SHARE_MIN_ROWS}). */
    public static final int DEFAULT_QUARANTINE_SHARE_MIN_ROWS = 20;

    public PriceJob {
        starts = Map.copyOf(requireNonNull(starts, "starts is null"));
        symbols = List.copyOf(requireNonNull(symbols, "symbols is null"));
        requireNonNull(interval, "interval is null");
        requireNonNull(range, "range is null");
        requireNonNull(hours, "hours is null");
        requireNonNull(writeOptions, "writeOptions is null");
        requireNonNull(shard, "shard is null");
        if (maxWorkers < 1) {
            throw new IllegalArgumentException("MAX_WORKERS must be at least 1");
        }
        if (maxQuarantineShare < 0 || maxQuarantineShare > 1) {
            throw new IllegalArgumentException("the quarantine threshold must be between 0 and 1");
        }
        if (quarantineShareMinRows < 1) {
            throw new IllegalArgumentException("DQ_QUARANTINE_SHARE_MIN_ROWS must be at least 1");
        }
    }

    /** A job where every symbol uses {@code range}, its share judged from the default number of rows. */
    public PriceJob(List<Symbol> symbols, Interval interval, DateRange range, BarRequest.Hours hours, WriteOptions writeOptions, Shard shard,
            int maxWorkers, double maxQuarantineShare) {
        this(symbols, interval, range, hours, writeOptions, shard, maxWorkers, maxQuarantineShare, DEFAULT_QUARANTINE_SHARE_MIN_ROWS, Map.of(), false);
    }

    /** This job with the share judged only from {@code minRows} rows of a symbol on (see {@code quarantineShareMinRows}). */
    public PriceJob withQuarantineShareMinRows(int minRows) {
        return new PriceJob(symbols, interval, range, hours, writeOptions, shard, maxWorkers, maxQuarantineShare, minRows, starts, recheck);
    }

    /** Whether a symbol with {@code violations} bad rows of {@code fetched} is stopped by the quarantine-share gate. */
    public boolean shareGateStops(long violations, long fetched) {
        return fetched >= quarantineShareMinRows && violations > maxQuarantineShare * fetched;
    }

    /** This job with per-symbol first dates (see {@code starts}). */
    public PriceJob withStarts(Map<Symbol, LocalDate> perSymbol) {
        return new PriceJob(symbols, interval, range, hours, writeOptions, shard, maxWorkers, maxQuarantineShare, quarantineShareMinRows, perSymbol, recheck);
    }

    /** This job asking again for sessions recorded as checked ({@code --recheck}). */
    public PriceJob withRecheck() {
        return new PriceJob(symbols, interval, range, hours, writeOptions, shard, maxWorkers, maxQuarantineShare, quarantineShareMinRows, starts, true);
    }

    /**
     * The dates fetched for {@code symbol}: {@code range}, or from its own start to {@code range.to()} when
     * {@code starts} has one; empty when that start is after {@code range.to()} (nothing to fetch: it is up to date).
     */
    public Optional<DateRange> rangeOf(Symbol symbol) {
        LocalDate start = starts.get(symbol);
        if (start == null) {
            return Optional.of(range);
        }
        return start.isAfter(range.to()) ? Optional.empty() : Optional.of(new DateRange(start, range.to()));
    }

    /** The symbols this shard takes, deduplicated, in the order given. */
    public List<Symbol> shardSymbols() {
        return symbols.stream().distinct().filter(shard::includes).toList();
    }
}
