package io.stockingest.core.spi;

import io.stockingest.core.config.Settings;
import java.time.Duration;
import java.util.List;

/**
 * Housekeeping of a table-format sink's target ({@code db maintain}), by its {@code --sink} URI: compacting the small
 * files that nightly appends leave, expiring old snapshots, removing files no snapshot references. Each step must be
 * safe while ingestion runs against the same target (it commits like any other writer and never deletes a file a
 * live snapshot or an uncommitted run may still use). Returns one line per table, printed as it is (no secret in it).
 * Failures are {@link io.stockingest.core.IngestException}s: {@code USAGE} for a policy that would be unsafe,
 * {@code CONFIG} for missing settings, {@code SINK} when the target refuses.
 */
public interface TableMaintenance extends Capability {
    /**
     * @param retention snapshots older than this are expired (the current one always stays)
     * @param orphanAge files that no snapshot references and are older than this are removed; younger ones may belong to a
     *     run that has not committed yet, so an implementation refuses an age it cannot make safe
     */
    List<String> maintain(String uri, Settings settings, Duration retention, Duration orphanAge);
}
