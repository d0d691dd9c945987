package io.stockingest.core.spi;

import io.stockingest.core.config.Settings;
import java.nio.file.Path;

/**
 * Rows of one table of a sink's target written to a file ({@code export}). The file appears whole or not at all.
 * An unknown table or format is a {@code USAGE} error naming the known ones; a filter runs read-only.
 */
public interface TableExport extends Capability {
    /**
     * Exports {@code table} of the target {@code uri}, filtered by {@code where} (may be null), to {@code out} in
     * {@code format} (e.g. {@code csv}); returns the number of rows written.
     */
    long export(String uri, Settings settings, String table, String format, String where, Path out);
}
