package io.stockingest.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.CallStats;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.metrics.RunOutcome;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.metrics.SymbolOutcome;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.PartialWriteException;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.WriteResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The pipeline of the per-symbol datasets ({@code fundamentals}, {@code options}, {@code actions}): for each symbol,
 * on virtual threads with at most {@code maxWorkers} in flight, fetch its records, then write them to every sink;
 * record the counts per symbol. A symbol whose fetch fails writes nothing; an error of run scope (rejected
 * credentials) stops the run at once ({@link RunStop}: symbols not yet fetched are "not attempted"). A sink whose data-quality gate refuses a symbol's records ({@code DQ_GATE}) marks the
 * symbol {@code gated} and the run exits 3, as for prices. Metrics are written to every sink at the end.
 *
 * @param <T> the record type (statements, option snapshots, corporate actions)
 */
public final class DatasetIngest<T> {
    private final String sourceName;
    private final List<Sink> sinks;
    private final Ticker ticker;
    private final Progress progress;

    public DatasetIngest(String sourceName, List<Sink> sinks, Ticker ticker, Progress progress) {
        this.sourceName = requireNonNull(sourceName, "sourceName is null");
        this.sinks = List.copyOf(requireNonNull(sinks, "sinks is null"));
        this.ticker = requireNonNull(ticker, "ticker is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    /**
     * @param fetch the records of one symbol (may throw {@link IngestException})
     * @param write stores one symbol's records in one sink
     * @param dates the range reported in the metrics ({@code from}, {@code to}), free text
     */
    public RunReport run(List<Symbol> symbols, int maxWorkers, Function<Symbol, List<T>> fetch, BiFunction<Sink, List<T>, WriteResult> write,
            RunContext context, String from, String to) {
        long start = ticker.nanos();
        CallStats runStats = new CallStats();
        Map<Symbol, Outcome> outcomes = Collections.synchronizedMap(new LinkedHashMap<>());
        RunStop stop = new RunStop();
        SinkTally tally = new SinkTally(sinks);
        progress.start(symbols.size());
        Semaphore inFlight = new Semaphore(maxWorkers);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
                WaitingLines waiting = new WaitingLines(runStats, progress)) {
            for (Symbol symbol : symbols) {
                inFlight.acquireUninterruptibly();
                Outcome outcome = new Outcome(runStats.child());
                outcomes.put(symbol, outcome);
                if (stop.stopped()) {
                    inFlight.release();
                    outcome.notAttempted();
                    continue;
                }
                executor.submit(() -> {
                    try {
                        if (!stop.run(() -> fetchAndWrite(symbol, outcome, stop, fetch, write, tally))) {
                            outcome.notAttempted();
                        }
                    } finally {
                        progress.advance(symbol.value());
                        inFlight.release();
                    }
                });
            }
        }
        progress.finish();
        List<String> runErrors = new ArrayList<>();
        stop.cause().ifPresent(e -> runErrors.add(e.getMessage()));
        Map<String, RunReport.SymbolReport> perSymbol = new TreeMap<>();
        int failed = 0;
        boolean gated = false;
        WriteResult total = WriteResult.NOTHING;
        for (var entry : outcomes.entrySet()) {
            Outcome o = entry.getValue();
            failed += o.errors.isEmpty() ? 0 : 1;
            gated |= o.status == SymbolOutcome.GATED;
            total = total.plus(o.written);
            perSymbol.put(entry.getKey().value(), new RunReport.SymbolReport(o.status.status(), o.stats.requests(), o.stats.retries(), o.stats.throttled(),
                    o.fetched, o.written.rowsWritten(), 0, o.written.filesWritten(), o.written.filesSkipped(), List.copyOf(o.errors)));
        }
        for (Sink sink : sinks) {
            try {
                sink.flush();
            } catch (RuntimeException e) {
                runErrors.add("Cannot flush " + sink.name() + ": " + e.getMessage());
            }
        }
        RunOutcome ended = RunOutcome.of(stop.stopped(), gated, failed > 0 || !runErrors.isEmpty());
        Duration duration = Duration.ofNanos(ticker.nanos() - start);
        RunReport report = new RunReport(context.runId(), context.command(), sourceName, null, from, to, sinks.stream().map(Sink::name).toList(),
                context.startedAt(), context.startedAt().plus(duration), duration.toMillis(), ended.exitCode(),
                ended.status(), symbols.size(), symbols.size() - failed, failed, runStats.requests(), runStats.retries(),
                runStats.throttled(), total.filesWritten(), total.filesSkipped(), total.rowsWritten(), 0, Map.of(), runErrors, perSymbol)
                .withSinkWrites(tally.bySink());
        for (Sink sink : sinks) {
            try {
                sink.writeRun(report);
                sink.flush();
            } catch (RuntimeException e) {
                runErrors.add("Cannot write run metrics to " + sink.name() + ": " + e.getMessage());
            }
        }
        return report;
    }

    /** Fetches one symbol's records and writes them to every sink; failures go to {@code outcome}. */
    private void fetchAndWrite(Symbol symbol, Outcome outcome, RunStop stop, Function<Symbol, List<T>> fetch,
            BiFunction<Sink, List<T>, WriteResult> write, SinkTally tally) {
        try {
            List<T> records = CallStats.bind(outcome.stats, () -> fetch.apply(symbol));
            outcome.fetched = records.size();
            for (Sink sink : sinks) {
                try {
                    outcome.written = outcome.written.plus(tally.add(sink, write.apply(sink, records)));
                } catch (IngestException e) {
                    // what the sink stored before it failed is there to stay: the summary counts it (issue 17)
                    outcome.written = outcome.written.plus(tally.add(sink, PartialWriteException.writtenBy(e)));
                    outcome.fail("Cannot write " + symbol + " to " + sink.name() + ": " + e.getMessage());
                    if (e.kind() == ErrorKind.DQ_GATE) {
                        outcome.status = SymbolOutcome.GATED;
                    }
                } catch (RuntimeException | LinkageError e) {
                    outcome.fail("Cannot write " + symbol + " to " + sink.name() + ": " + e.getMessage());
                }
            }
        } catch (IngestException e) {
            if (!stop.stopIfFatal(e) && stop.droppedByStop()) {
                outcome.notAttempted();
            } else {
                outcome.fail(e.getMessage());
            }
        } catch (Throwable t) {
            if (stop.droppedByStop()) {
                outcome.notAttempted();
            } else {
                outcome.fail(InternalErrors.describe(symbol, t));
            }
        }
    }

    private static final class Outcome {
        final CallStats stats;
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        volatile SymbolOutcome status = SymbolOutcome.OK;
        volatile long fetched;
        volatile WriteResult written = WriteResult.NOTHING;

        Outcome(CallStats stats) {
            this.stats = stats;
        }

        void fail(String message) {
            errors.add(message);
            status = SymbolOutcome.FAILED;
        }

        void notAttempted() {
            errors.add(RunStop.NOT_ATTEMPTED);
            status = SymbolOutcome.NOT_ATTEMPTED;
        }
    }
}
