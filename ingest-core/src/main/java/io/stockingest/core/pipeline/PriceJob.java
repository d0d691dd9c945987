package io.stockingest.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.WriteOptions;
import java.util.List;

/**
 * What a {@code prices} run was asked to do.
 *
 * @param maxWorkers symbols (requests) fetched at once
 * @param maxQuarantineShare the batch gate: a symbol whose share of rejected rows exceeds it is not promoted
 */
public record PriceJob(
        List<Symbol> symbols,
        Interval interval,
        DateRange range,
        BarRequest.Hours hours,
        WriteOptions writeOptions,
        Shard shard,
        int maxWorkers,
        double maxQuarantineShare) {

    public PriceJob {
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
    }

    /** The symbols this shard takes, deduplicated, in the order given. */
    public List<Symbol> shardSymbols() {
        return symbols.stream().distinct().filter(shard::includes).toList();
    }
}
