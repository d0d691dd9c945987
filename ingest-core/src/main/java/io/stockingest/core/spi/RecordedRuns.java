package io.stockingest.core.spi;

import io.stockingest.core.config.Settings;
import io.stockingest.core.metrics.RunReport;
import java.util.List;
import java.util.Optional;

/**
 * The run records ({@link Sink#writeRun}) a sink's target holds, read by its {@code --sink} URI ({@code runs}).
 * Read-only. Failures are {@link io.stockingest.core.IngestException}s of kind {@code CONFIG} (missing settings) or
 * {@code SINK} (the target cannot be read), with no secret in the message.
 */
public interface RecordedRuns extends Capability {
    /** The recorded runs, newest first (by start, then run id), at most {@code limit}; none when nothing is recorded. */
    List<RunReport> runs(String uri, Settings settings, int limit);

    /** One run's metrics document as stored (JSON), or empty when no run has that id. */
    Optional<String> run(String uri, Settings settings, String runId);
}
