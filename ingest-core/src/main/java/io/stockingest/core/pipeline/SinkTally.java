package io.stockingest.core.pipeline;

import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.WriteResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What each sink of a run stored, for the summary's per-sink lines. Thread-safe. */
final class SinkTally {
    private final List<Sink> sinks;
    private final Map<Sink, WriteResult> written = new ConcurrentHashMap<>();

    SinkTally(List<Sink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    /** Adds what one write to {@code sink} stored (also the part a failed write stored) and returns it. */
    WriteResult add(Sink sink, WriteResult result) {
        written.merge(sink, result, WriteResult::plus);
        return result;
    }

    /** Per sink name, in the run's sink order: files and rows for a lake, rows for a database. */
    Map<String, RunReport.SinkWrites> bySink() {
        Map<String, RunReport.SinkWrites> out = new LinkedHashMap<>();
        for (Sink sink : sinks) {
            WriteResult result = written.getOrDefault(sink, WriteResult.NOTHING);
            out.put(sink.name(), sink.stores() == Sink.Stores.ROWS ? RunReport.SinkWrites.rows(result.rowsWritten())
                    : RunReport.SinkWrites.files(result.filesWritten(), result.filesSkipped(), result.rowsWritten()));
        }
        return out;
    }
}
