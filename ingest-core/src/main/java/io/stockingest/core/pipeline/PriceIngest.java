package io.stockingest.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.http.CallStats;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.metrics.RunOutcome;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.metrics.SymbolOutcome;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.WriteResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code prices} pipeline: plan → fetch (virtual threads, at most {@code maxWorkers} requests in flight, each
 * under the source's rate limiter and retries) → validate (row rules; rejects to quarantine) → batch gate →
 * write to every sink → metrics.
 *
 * <p>A symbol's bars are written only when all of its requests succeeded, in one batch per symbol, so that a yearly
 * file is never written from part of a year and a failed symbol leaves nothing half-done: a rerun completes it.
 * An error of run scope (rejected credentials, bad configuration) stops the run: requests not yet started are
 * marked "not attempted".
 */
public final class PriceIngest {
    private static final Logger log = LoggerFactory.getLogger(PriceIngest.class);
    private final Source source;
    private final List<Sink> sinks;
    private final NyseCalendar calendar;
    private final BarValidator validator;
    private final Ticker ticker;
    private final Progress progress;

    public PriceIngest(Source source, List<Sink> sinks, NyseCalendar calendar, Ticker ticker, Progress progress) {
        this.source = requireNonNull(source, "source is null");
        this.sinks = List.copyOf(requireNonNull(sinks, "sinks is null"));
        this.calendar = requireNonNull(calendar, "calendar is null");
        this.validator = new BarValidator(calendar);
        this.ticker = requireNonNull(ticker, "ticker is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    /**
     * The source's requests for the job. Symbols sharing a range (all of them unless the job has per-symbol starts)
     * are planned together; symbols already up to date get no request.
     */
    public List<BarRequest> plan(PriceJob job) {
        Map<DateRange, List<Symbol>> byRange = new LinkedHashMap<>();
        for (Symbol symbol : job.shardSymbols()) {
            job.rangeOf(symbol).ifPresent(range -> byRange.computeIfAbsent(range, r -> new ArrayList<>()).add(symbol));
        }
        List<BarRequest> plan = new ArrayList<>();
        byRange.forEach((range, group) -> plan.addAll(source.planBars(group, job.interval(), range, job.hours())));
        return plan;
    }

    /** Runs the job; never throws for a per-symbol failure (see the report), only for errors before any request. */
    public RunReport run(PriceJob job, RunContext context) {
        long startNanos = ticker.nanos();
        List<Symbol> symbols = job.shardSymbols();
        List<BarRequest> plan = plan(job);
        source.checkBudget(plan.stream().mapToInt(BarRequest::calls).sum());

        CallStats runStats = new CallStats();
        Map<Symbol, SymbolState> states = new LinkedHashMap<>();
        symbols.forEach(symbol -> {
            SymbolState state = new SymbolState(runStats.child());
            state.upToDate = job.rangeOf(symbol).isEmpty();
            states.put(symbol, state);
        });
        for (BarRequest request : plan) {
            request.symbols().forEach(symbol -> states.get(symbol).pending.incrementAndGet());
        }
        Run run = new Run(job, context, states, runStats);
        progress.start(symbols.size());
        states.forEach((symbol, state) -> {
            if (state.pending.get() == 0) {
                run.finish(symbol, state);
            }
        });

        Semaphore inFlight = new Semaphore(job.maxWorkers());
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (BarRequest request : plan) {
                inFlight.acquireUninterruptibly();
                if (run.fatal.get() != null) {
                    inFlight.release();
                    run.notAttempted(request);
                    continue;
                }
                executor.submit(() -> {
                    try {
                        run.execute(request);
                    } catch (Throwable t) {
                        // a bug or a broken installation must fail the symbols loudly, never pass as success
                        log.error("Internal error on {}", request, t);
                        run.crashed(request, t);
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        progress.finish();

        List<RunError> runErrors = new ArrayList<>();
        if (run.fatal.get() != null) {
            runErrors.add(new RunError(run.fatal.get().kind(), run.fatal.get().getMessage()));
        }
        flushAll(runErrors);
        List<Rejected> rejected = List.copyOf(run.quarantine);
        for (Sink sink : sinks) {
            guard(runErrors, sink, "quarantine", () -> sink.writeQuarantine(rejected, context));
        }
        RunReport report = report(job, context, run, runErrors, rejected, Duration.ofNanos(ticker.nanos() - startNanos));
        for (Sink sink : sinks) {
            guard(runErrors, sink, "run metrics", () -> sink.writeRun(report));
        }
        flushAll(runErrors);
        if (runErrors.size() > report.errors().size()) {
            // a sink failed while storing the quarantine or metrics: the run did not fully succeed
            return withErrors(report, runErrors);
        }
        return report;
    }

    /** An error of the run as a whole (not of one symbol): its kind decides the outcome, its message is reported. */
    private record RunError(ErrorKind kind, String message) {}

    private void flushAll(List<RunError> runErrors) {
        for (Sink sink : sinks) {
            guard(runErrors, sink, "flush", sink::flush);
        }
    }

    private static void guard(List<RunError> errors, Sink sink, String what, Runnable action) {
        try {
            action.run();
        } catch (IngestException e) {
            errors.add(new RunError(e.kind(), (e.kind() == ErrorKind.DQ_GATE ? "data-quality gate stopped " : "Cannot write ") + what
                    + " to " + sink.name() + ": " + e.getMessage()));
        } catch (RuntimeException e) {
            errors.add(new RunError(ErrorKind.SINK, "Cannot write " + what + " to " + sink.name() + ": " + e.getMessage()));
        }
    }

    private static boolean gated(List<RunError> errors) {
        return errors.stream().anyMatch(e -> e.kind() == ErrorKind.DQ_GATE);
    }

    private static List<String> messages(List<RunError> errors) {
        return errors.stream().map(RunError::message).toList();
    }

    /** A sink failed at flush or while storing quarantine or metrics: exit 3 if its gate refused, else at least 1. */
    private static RunReport withErrors(RunReport report, List<RunError> errors) {
        RunOutcome before = RunOutcome.ofExitCode(report.exitCode());
        RunOutcome ended = before == RunOutcome.STOPPED ? before : gated(errors) ? RunOutcome.GATED
                : before == RunOutcome.SUCCEEDED ? RunOutcome.PARTIAL : before;
        return new RunReport(report.runId(), report.command(), report.source(), report.interval(), report.from(), report.to(),
                report.sinks(), report.startedAt(), report.finishedAt(), report.durationMs(), ended.exitCode(), ended.status(),
                report.symbolsRequested(), report.symbolsSucceeded(), report.symbolsFailed(), report.requests(), report.retries(),
                report.throttled(), report.filesWritten(), report.filesSkipped(), report.rowsWritten(), report.rowsQuarantined(),
                report.quarantinedByRule(), messages(errors), report.symbols());
    }

    private RunReport report(PriceJob job, RunContext context, Run run, List<RunError> runErrors, List<Rejected> rejected, Duration duration) {
        Map<String, RunReport.SymbolReport> perSymbol = new TreeMap<>();
        int succeeded = 0;
        int failed = 0;
        boolean gated = false;
        long filesWritten = 0;
        long filesSkipped = 0;
        long rowsWritten = 0;
        for (var entry : run.states.entrySet()) {
            SymbolState state = entry.getValue();
            if (state.errors.isEmpty()) {
                succeeded++;
            } else {
                failed++;
            }
            gated |= state.outcome() == SymbolOutcome.GATED;
            filesWritten += state.written.filesWritten();
            filesSkipped += state.written.filesSkipped();
            rowsWritten += state.written.rowsWritten();
            perSymbol.put(entry.getKey().value(), new RunReport.SymbolReport(state.outcome().status(), state.stats.requests(), state.stats.retries(),
                    state.stats.throttled(), state.rowsFetched, state.written.rowsWritten(), state.rowsQuarantined,
                    state.written.filesWritten(), state.written.filesSkipped(), List.copyOf(state.errors)));
        }
        Map<String, Long> byRule = new TreeMap<>();
        rejected.forEach(r -> byRule.merge(r.rule(), 1L, Long::sum));
        RunOutcome ended = RunOutcome.of(run.fatal.get() != null, gated || gated(runErrors), failed > 0 || !runErrors.isEmpty());
        Instant finished = context.startedAt().plus(duration);
        return new RunReport(context.runId(), context.command(), context.source(), job.interval().code(), job.range().from().toString(),
                job.range().to().toString(), sinks.stream().map(Sink::name).toList(), context.startedAt(), finished,
                duration.toMillis(), ended.exitCode(), ended.status(), run.states.size(), succeeded, failed, run.runStats.requests(),
                run.runStats.retries(), run.runStats.throttled(), filesWritten, filesSkipped, rowsWritten, rejected.size(), byRule,
                messages(runErrors), perSymbol);
    }

    /** The mutable state of one run; its methods run on the request threads. */
    private final class Run {
        final PriceJob job;
        final RunContext context;
        final Map<Symbol, SymbolState> states;
        final CallStats runStats;
        final AtomicReference<IngestException> fatal = new AtomicReference<>();
        final ConcurrentLinkedQueue<Rejected> quarantine = new ConcurrentLinkedQueue<>();

        Run(PriceJob job, RunContext context, Map<Symbol, SymbolState> states, CallStats runStats) {
            this.job = job;
            this.context = context;
            this.states = states;
            this.runStats = runStats;
        }

        void execute(BarRequest request) {
            CallStats stats = request.symbols().size() == 1 ? states.get(request.symbols().getFirst()).stats : runStats;
            List<Bar> bars;
            try {
                bars = CallStats.bind(stats, () -> source.fetchBars(request));
            } catch (IngestException e) {
                if (e.kind().scope() == ErrorKind.Scope.RUN) {
                    fatal.compareAndSet(null, e);
                }
                fail(request, e.getMessage(), e.kind());
                return;
            } catch (RuntimeException e) {
                log.debug("Unexpected failure fetching {}", request, e);
                fail(request, "Cannot fetch " + request + " from " + source.name() + ": unexpected " + e, ErrorKind.BAD_RESPONSE);
                return;
            }
            Map<Symbol, List<Bar>> bySymbol = bySymbol(request, bars);
            for (Symbol symbol : request.symbols()) {
                SymbolState state = states.get(symbol);
                state.add(bySymbol.getOrDefault(symbol, List.of()));
                completeOne(symbol, state);
            }
        }

        /** The bars of each requested symbol, in the order fetched; a one-symbol request needs no hashing per bar. */
        private static Map<Symbol, List<Bar>> bySymbol(BarRequest request, List<Bar> bars) {
            if (request.symbols().size() == 1) {
                Symbol only = request.symbols().iterator().next();
                boolean allOfIt = true;
                for (Bar bar : bars) {
                    if (!only.equals(bar.symbol())) {
                        allOfIt = false;
                        break;
                    }
                }
                if (allOfIt) {
                    return Map.of(only, bars);
                }
            }
            Map<Symbol, List<Bar>> bySymbol = new LinkedHashMap<>();
            for (Bar bar : bars) {
                bySymbol.computeIfAbsent(bar.symbol(), s -> new ArrayList<>()).add(bar);
            }
            return bySymbol;
        }

        void crashed(BarRequest request, Throwable t) {
            for (Symbol symbol : request.symbols()) {
                states.get(symbol).fail(InternalErrors.describe(request, t), ErrorKind.BAD_RESPONSE);
            }
        }

        void notAttempted(BarRequest request) {
            String message = "not attempted: the run stopped (" + fatal.get().getMessage() + ")";
            for (Symbol symbol : request.symbols()) {
                SymbolState state = states.get(symbol);
                state.notAttempted(message);
                completeOne(symbol, state);
            }
        }

        private void fail(BarRequest request, String message, ErrorKind kind) {
            for (Symbol symbol : request.symbols()) {
                SymbolState state = states.get(symbol);
                state.fail(message, kind);
                completeOne(symbol, state);
            }
        }

        private void completeOne(Symbol symbol, SymbolState state) {
            if (state.pending.decrementAndGet() == 0) {
                finish(symbol, state);
            }
        }

        void finish(Symbol symbol, SymbolState state) {
            try {
                if (!state.errors.isEmpty() || state.upToDate) {
                    return;
                }
                DateRange range = job.rangeOf(symbol).orElseThrow();
                List<Bar> fetched = state.takeBars();
                state.rowsFetched = fetched.size();
                BarValidator.Outcome outcome = validator.validate(fetched, range, job.hours());
                quarantine.addAll(outcome.rejected());
                state.rowsQuarantined = outcome.rejected().size();
                if (!fetched.isEmpty() && outcome.ruleViolations() > job.maxQuarantineShare() * fetched.size()) {
                    state.gate(String.format("data-quality gate: %d of %d rows broke row rules (limit %.1f%%); nothing written",
                            outcome.ruleViolations(), fetched.size(), job.maxQuarantineShare() * 100));
                    return;
                }
                if (outcome.accepted().isEmpty() && hasSessions(range)) {
                    state.gate("data-quality gate: " + source.name() + " returned no bars for " + symbol + " " + range
                            + " although the range has NYSE sessions");
                    return;
                }
                BarBatch batch = new BarBatch(symbol, job.interval(), range, outcome.accepted(), job.writeOptions(), context);
                for (Sink sink : sinks) {
                    try {
                        state.written = state.written.plus(sink.writeBars(batch));
                    } catch (RuntimeException | LinkageError e) {
                        state.fail("Cannot write " + symbol + " to " + sink.name() + ": " + e.getMessage(), ErrorKind.SINK);
                    }
                }
            } finally {
                progress.advance(symbol.value());
            }
        }

        private boolean hasSessions(DateRange range) {
            try {
                return !calendar.sessions(range.from(), range.to()).isEmpty();
            } catch (IllegalArgumentException outsideCalendar) {
                return true;
            }
        }
    }

    /** Per-symbol progress; fields are touched by one thread at a time, except the concurrent collections. */
    private static final class SymbolState {
        final CallStats stats;
        final AtomicInteger pending = new AtomicInteger();
        /** The fetched bars, one list per request (requests of a symbol may complete on different threads). */
        private final List<List<Bar>> bars = new ArrayList<>();
        final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean gated;
        volatile boolean notAttempted;
        /** Nothing to fetch: the symbol's per-symbol start lies after the job's range ({@code --since-last}). */
        volatile boolean upToDate;
        volatile long rowsFetched;
        volatile long rowsQuarantined;
        volatile WriteResult written = WriteResult.NOTHING;

        SymbolState(CallStats stats) {
            this.stats = stats;
        }

        synchronized void add(List<Bar> fetched) {
            if (!fetched.isEmpty()) {
                bars.add(fetched);
            }
        }

        /** Every bar added so far, in the order added; the state keeps none of them. */
        synchronized List<Bar> takeBars() {
            List<Bar> all = bars.size() == 1 ? List.copyOf(bars.getFirst()) : bars.stream().flatMap(List::stream).toList();
            bars.clear();
            return all;
        }

        void fail(String message, ErrorKind kind) {
            if (!errors.contains(message)) {
                errors.add(message);
            }
        }

        void notAttempted(String message) {
            notAttempted = true;
            fail(message, ErrorKind.AUTH);
        }

        void gate(String message) {
            gated = true;
            errors.add(message);
        }

        SymbolOutcome outcome() {
            if (errors.isEmpty()) {
                return upToDate ? SymbolOutcome.UP_TO_DATE : SymbolOutcome.OK;
            }
            return gated ? SymbolOutcome.GATED : notAttempted ? SymbolOutcome.NOT_ATTEMPTED : SymbolOutcome.FAILED;
        }
    }
}
