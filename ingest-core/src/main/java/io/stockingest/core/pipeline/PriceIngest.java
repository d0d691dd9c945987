package io.stockingest.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.StartupTrace;
import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.calendar.ExchangeCalendar;
import io.stockingest.core.http.CallStats;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.metrics.RunOutcome;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.metrics.SymbolOutcome;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.model.Venue;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.PartialWriteException;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.spi.WriteResult;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code prices} pipeline: plan → fetch (virtual threads, at most {@code maxWorkers} requests in flight, each
 * under the source's rate limiter and retries) → validate (row rules; rejects to quarantine) → batch gate →
 * write to every sink → metrics.
 *
 * <p>A symbol's bars are written only when all of its requests succeeded, in one batch per symbol, so that a yearly
 * file is never written from part of a year and a failed symbol leaves nothing half-done: a rerun completes it.
 * An error of run scope (rejected credentials, bad configuration) stops the run at once ({@link RunStop}): requests
 * not yet sent, those waiting for the rate limiter included, are dropped and their symbols marked "not attempted";
 * the error is reported once. While requests are outstanding for more than 10 s, {@link Progress} says so.
 */
public final class PriceIngest {
    private static final Logger log = LoggerFactory.getLogger(PriceIngest.class);
    private final Source source;
    private final List<Sink> sinks;
    private final Calendars calendars;
    private final BarValidator validator;
    private final Ticker ticker;
    private final Progress progress;

    public PriceIngest(Source source, List<Sink> sinks, Calendars calendars, Ticker ticker, Progress progress) {
        this.source = requireNonNull(source, "source is null");
        this.sinks = List.copyOf(requireNonNull(sinks, "sinks is null"));
        this.calendars = requireNonNull(calendars, "calendars is null");
        this.validator = new BarValidator(calendars);
        this.ticker = requireNonNull(ticker, "ticker is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    /**
     * The source's requests for the job. Symbols sharing a range (all of them unless the job has per-symbol starts)
     * are planned together; symbols already up to date get no request.
     */
    public List<BarRequest> plan(PriceJob job) {
        return planRun(job).requests();
    }

    /**
     * The requests {@code prices --dry-run} prints: as {@link #plan}, except that a sink whose stored sessions must not
     * be read by a dry run ({@link StoredSessions#answersDryRuns} false: a dry run never connects to it) is not asked,
     * so with such a sink the whole job is planned.
     */
    public List<BarRequest> planDryRun(PriceJob job) {
        return planRun(job, Planning.DRY_RUN).requests();
    }

    /**
     * What a run fetches: without {@code --force}, and when every sink can say which sessions it holds
     * ({@link StoredSessions}), only the sessions some sink lacks, each symbol's gaps coalesced into as few requests
     * as the source plans for them (one request over the whole span when that costs no more calls than one per gap);
     * else every symbol's whole range, as before.
     *
     * @param ranges per symbol, the ranges fetched (empty: nothing is missing)
     * @param sessionsStored sessions every sink already held, not fetched
     * @param requestsSaved provider calls the whole-range plan would have made beyond this one
     * @param known per sink that says what it holds (in the order of the sinks), per symbol, what it holds and has
     *     checked; empty when the plan is not made from them (then no session is recorded as checked)
     * @param settled per symbol, the sessions every sink holds or has checked: not asked for, and a row of one that a
     *     coalesced request brings back again is not quarantined again
     */
    record Plan(List<BarRequest> requests, Map<Symbol, List<DateRange>> ranges, long sessionsStored, long requestsSaved,
            Map<Sink, Map<Symbol, StoredSessions.Known>> known, Map<Symbol, Set<LocalDate>> settled) {
        Plan(List<BarRequest> requests, Map<Symbol, List<DateRange>> ranges) {
            this(requests, ranges, 0, 0, Map.of(), Map.of());
        }
    }

    /** A session not settled by a later bar counts as checked once it is this many days old (late data has come). */
    static final int SETTLE_DAYS = 3;

    /** The sessions of {@code symbol}'s own venue in {@code range} (its calendar, or weekdays where it has none). */
    private List<LocalDate> sessionsOf(Symbol symbol, DateRange range) {
        ExchangeCalendar calendar = calendars.of(Venue.ofSymbol(symbol));
        List<LocalDate> sessions = new ArrayList<>();
        for (LocalDate date = range.from(); !date.isAfter(range.to()); date = date.plusDays(1)) {
            if (calendar.isSession(date)) {
                sessions.add(date);
            }
        }
        return sessions;
    }

    /** Whether planning is for a run or for {@code --dry-run}, which asks only sinks that answer dry runs. */
    enum Planning {
        RUN,
        DRY_RUN
    }

    Plan planRun(PriceJob job) {
        return planRun(job, Planning.RUN);
    }

    Plan planRun(PriceJob job, Planning planning) {
        Map<Symbol, List<DateRange>> whole = new LinkedHashMap<>();
        for (Symbol symbol : job.shardSymbols()) {
            whole.put(symbol, job.rangeOf(symbol).map(List::of).orElse(List.of()));
        }
        List<BarRequest> wholePlan = requestsFor(whole, job);
        StartupTrace.mark("plan: whole range planned");
        List<StoredSessions> stores = sinks.stream().flatMap(sink -> sink.capability(StoredSessions.class).stream())
                .filter(store -> planning == Planning.RUN || store.answersDryRuns()).toList();
        // planned from stored sessions: daily bars only (an intraday session stored while it traded may be partial,
        // so it is fetched again) and not under --since-last, whose per-symbol starts already come from the sink
        if (job.writeOptions().existing() == WriteOptions.Existing.OVERWRITE || sinks.isEmpty() || stores.size() < sinks.size()
                || whole.isEmpty() || job.interval().isIntraday() || !job.starts().isEmpty()) {
            return new Plan(wholePlan, whole);
        }
        Map<Symbol, List<LocalDate>> expected = new LinkedHashMap<>();
        // one list per calendar: 1,000 symbols of one venue over 5 years asked the calendar 1.8 million times (0.47 s
        // before the first request)
        Map<ExchangeCalendar, List<LocalDate>> byCalendar = new java.util.HashMap<>();
        try {
            for (Symbol symbol : whole.keySet()) {
                ExchangeCalendar calendar = calendars.of(Venue.ofSymbol(symbol));
                List<LocalDate> sessions = byCalendar.get(calendar);
                if (sessions == null) {
                    sessions = List.copyOf(sessionsOf(symbol, job.range()));
                    byCalendar.put(calendar, sessions);
                }
                expected.put(symbol, sessions);
            }
        } catch (IllegalArgumentException outsideCalendar) {
            return new Plan(wholePlan, whole);
        }
        StartupTrace.mark("plan: expected sessions");
        Map<Sink, Map<Symbol, StoredSessions.Known>> known = new LinkedHashMap<>();
        for (Sink sink : sinks) {
            known.put(sink, sink.capability(StoredSessions.class).orElseThrow().knownSessions(whole.keySet(), job.interval(), job.range()));
        }
        List<Map<Symbol, StoredSessions.Known>> held = List.copyOf(known.values());
        StartupTrace.mark("plan: stored sessions read");
        Map<Symbol, Set<LocalDate>> settled = new LinkedHashMap<>();
        Map<Symbol, List<DateRange>> missing = new LinkedHashMap<>();
        long stored = 0;
        for (var entry : whole.entrySet()) {
            Symbol symbol = entry.getKey();
            if (entry.getValue().isEmpty()) {
                missing.put(symbol, List.of());
                continue;
            }
            DateRange range = entry.getValue().getFirst();
            List<LocalDate> sessions = expected.get(symbol);
            if (!range.equals(job.range())) {
                sessions = new ArrayList<>();
                for (LocalDate session : expected.get(symbol)) {
                    if (range.contains(session)) {
                        sessions.add(session);
                    }
                }
            }
            List<StoredSessions.Known> knowns = new ArrayList<>(held.size());
            for (Map<Symbol, StoredSessions.Known> h : held) {
                knowns.add(h.getOrDefault(symbol, StoredSessions.Known.NONE));
            }
            if (knowns.stream().anyMatch(k -> k.stored().dates().isEmpty() && k.checked().isEmpty())) {
                // a sink holds and has checked nothing of it (a new symbol, a new lake): its whole range is missing
                settled.put(symbol, Set.of());
                missing.put(symbol, sessions.isEmpty() ? List.of() : List.of(new DateRange(sessions.getFirst(), sessions.getLast())));
                continue;
            }
            Predicate<LocalDate> everywhere = session -> {
                for (StoredSessions.Known k : knowns) {
                    if (!k.stored().covers(session)) {
                        return false;
                    }
                }
                return true;
            };
            Predicate<LocalDate> settledEverywhere = job.recheck() ? everywhere : session -> {
                for (StoredSessions.Known k : knowns) {
                    if (!k.settled(session)) {
                        return false;
                    }
                }
                return true;
            };
            stored += sessions.stream().filter(everywhere).count();
            Set<LocalDate> settledHere = new java.util.HashSet<>();
            sessions.stream().filter(settledEverywhere).forEach(settledHere::add);
            if (!job.recheck()) {
                // a row on a day that is no session (a holiday bar) was quarantined and recorded as such: not again
                held.getFirst().getOrDefault(symbol, StoredSessions.Known.NONE).checked().forEach((date, why) -> {
                    if (why == StoredSessions.Checked.QUARANTINED && held.stream().allMatch(h -> h.getOrDefault(symbol, StoredSessions.Known.NONE).checked().containsKey(date))) {
                        settledHere.add(date);
                    }
                });
            }
            settled.put(symbol, Set.copyOf(settledHere));
            List<DateRange> gaps = StoredSessions.gaps(sessions, settledEverywhere);
            missing.put(symbol, coalesce(symbol, gaps, job));
        }
        StartupTrace.mark("plan: gaps");
        List<BarRequest> requests = requestsFor(missing, job);
        return new Plan(requests, missing, stored, Math.max(0, calls(wholePlan) - calls(requests)), known, settled);
    }

    /** {@code gaps} as one range over their span when the source plans that in no more calls than the gaps apart. */
    private List<DateRange> coalesce(Symbol symbol, List<DateRange> gaps, PriceJob job) {
        if (gaps.size() < 2) {
            return gaps;
        }
        DateRange span = new DateRange(gaps.getFirst().from(), gaps.getLast().to());
        long apart = 0;
        for (DateRange gap : gaps) {
            apart += calls(source.planBars(List.of(symbol), job.interval(), gap, job.hours()));
        }
        return calls(source.planBars(List.of(symbol), job.interval(), span, job.hours())) <= apart ? List.of(span) : gaps;
    }

    private static long calls(List<BarRequest> requests) {
        return requests.stream().mapToLong(BarRequest::calls).sum();
    }

    /** Symbols with the same ranges are planned together (a source may fetch many symbols in one request). */
    private List<BarRequest> requestsFor(Map<Symbol, List<DateRange>> ranges, PriceJob job) {
        Map<List<DateRange>, List<Symbol>> byRanges = new LinkedHashMap<>();
        ranges.forEach((symbol, list) -> {
            if (!list.isEmpty()) {
                byRanges.computeIfAbsent(list, r -> new ArrayList<>()).add(symbol);
            }
        });
        List<BarRequest> plan = new ArrayList<>();
        byRanges.forEach((list, group) -> list.forEach(range -> plan.addAll(source.planBars(group, job.interval(), range, job.hours()))));
        return plan;
    }

    /** Runs the job; never throws for a per-symbol failure (see the report), only for errors before any request. */
    public RunReport run(PriceJob job, RunContext context) {
        long startNanos = ticker.nanos();
        List<Symbol> symbols = job.shardSymbols();
        StartupTrace.mark("run: planning");
        Plan planned = planRun(job);
        List<BarRequest> plan = planned.requests();
        source.checkBudget(plan.stream().mapToInt(BarRequest::calls).sum());
        StartupTrace.mark("run: planned (" + plan.size() + " requests)");

        CallStats runStats = new CallStats();
        Map<Symbol, SymbolState> states = new LinkedHashMap<>();
        symbols.forEach(symbol -> {
            SymbolState state = new SymbolState(runStats.child());
            List<DateRange> ranges = planned.ranges().getOrDefault(symbol, List.of());
            state.upToDate = ranges.isEmpty();
            state.range = ranges.isEmpty() ? null : new DateRange(ranges.getFirst().from(), ranges.getLast().to());
            states.put(symbol, state);
        });
        for (BarRequest request : plan) {
            request.symbols().forEach(symbol -> states.get(symbol).pending.incrementAndGet());
        }
        Run run = new Run(job, context, states, runStats, planned);
        // the run's record is there from the start: a killed run leaves one ("running", its pid), and SIGTERM marks it
        // interrupted with what it had written
        Thread interrupted = new Thread(() -> {
            if (!run.ended) {
                run.ended = true; // no running record after this one
                run.record(RunReport.INTERRUPTED);
            }
        }, "prices-interrupted-record");
        boolean hooked = addShutdownHook(interrupted);
        // and again every RECORD_EVERY while it runs, so that a run killed outright (SIGKILL, OOM) shows what it wrote
        java.util.concurrent.ScheduledExecutorService recorder = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "prices-run-record");
            thread.setDaemon(true);
            return thread;
        });
        recorder.scheduleWithFixedDelay(() -> {
            if (!run.ended) {
                run.record(RunReport.RUNNING);
            }
        }, RECORD_EVERY.toMillis(), RECORD_EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        // the first running record is written by the recorder while the first requests go out (its sink writes took
        // 0.05-0.1 s before the first request); the records stay in order, all of them written on that one thread or
        // after it ended, and none after the interrupted one (record checks ended)
        recorder.execute(() -> {
            run.record(RunReport.RUNNING);
            StartupTrace.mark("run: running record written");
        });
        progress.start(symbols.size());
        states.forEach((symbol, state) -> {
            if (state.pending.get() == 0) {
                run.finish(symbol, state);
            }
        });

        Semaphore inFlight = new Semaphore(job.maxWorkers());
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
                WaitingLines waiting = new WaitingLines(runStats, progress)) {
            for (BarRequest request : plan) {
                inFlight.acquireUninterruptibly();
                if (run.stop.stopped()) {
                    inFlight.release();
                    run.notAttempted(request);
                    continue;
                }
                executor.submit(() -> {
                    try {
                        if (!run.stop.run(() -> run.execute(request))) {
                            run.notAttempted(request);
                        }
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
        StartupTrace.mark("run: every request done");
        progress.finish();
        run.ended = true;
        recorder.shutdown();
        try {
            recorder.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES); // a record being written finishes before the final one
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (hooked) {
            removeShutdownHook(interrupted);
        }

        List<RunError> runErrors = new ArrayList<>();
        run.stop.cause().ifPresent(e -> runErrors.add(new RunError(e.kind(), e.getMessage())));
        flushAll(runErrors);
        StartupTrace.mark("run: sinks flushed");
        List<Rejected> rejected = List.copyOf(run.quarantine);
        for (Sink sink : sinks) {
            int before = runErrors.size();
            guard(runErrors, sink, "quarantine", () -> sink.writeQuarantine(rejected, context));
            Map<Symbol, Map<LocalDate, StoredSessions.Checked>> checked = run.checkedFor(sink);
            if (runErrors.size() == before && !checked.isEmpty()) {
                // after the quarantine: a session is never recorded as checked while its row is in no quarantine
                guard(runErrors, sink, "checked sessions", () -> sink.capability(StoredSessions.class).orElseThrow()
                        .recordChecked(job.interval(), checked, context));
            }
        }
        RunReport report = report(job, context, run, runErrors, rejected, Duration.ofNanos(ticker.nanos() - startNanos), planned)
                .withNotes(new TreeSet<>(run.noCalendar).stream().map(v -> "no calendar for venue " + v + ": its rows were checked against weekdays in its time zone").toList())
                .withSinkWrites(run.tally.bySink());
        StartupTrace.mark("run: quarantine and checked sessions written");
        for (Sink sink : sinks) {
            guard(runErrors, sink, "run metrics", () -> sink.writeRun(report));
        }
        flushAll(runErrors);
        StartupTrace.mark("run: final record written");
        if (runErrors.size() > report.errors().size()) {
            // a sink failed while storing the quarantine or metrics: the run did not fully succeed
            return withErrors(report, runErrors);
        }
        return report;
    }

    private static boolean addShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran; the run's own record follows it
        }
    }

    /** How often at most a running run's record is rewritten with what it has written so far. */
    static final Duration RECORD_EVERY = Duration.ofSeconds(5);

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
                report.quarantinedByRule(), messages(errors), report.symbols(), report.sessionsStored(), report.requestsSaved())
                .withNotes(report.notes()).withSinkWrites(report.bySink());
    }

    private RunReport report(PriceJob job, RunContext context, Run run, List<RunError> runErrors, List<Rejected> rejected, Duration duration,
            Plan planned) {
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
        RunOutcome ended = RunOutcome.of(run.stop.stopped(), gated || gated(runErrors), failed > 0 || !runErrors.isEmpty());
        Instant finished = context.startedAt().plus(duration);
        // per-symbol starts (--since-last): the range reported is the one fetched, from the earliest start
        String from = job.starts().isEmpty() ? job.range().from().toString() : run.states.values().stream().map(state -> state.range)
                .filter(java.util.Objects::nonNull).map(DateRange::from).min(java.util.Comparator.naturalOrder()).orElse(job.range().from()).toString();
        return new RunReport(context.runId(), context.command(), context.source(), job.interval().code(), from,
                job.range().to().toString(), sinks.stream().map(Sink::name).toList(), context.startedAt(), finished,
                duration.toMillis(), ended.exitCode(), ended.status(), run.states.size(), succeeded, failed, run.runStats.requests(),
                run.runStats.retries(), run.runStats.throttled(), filesWritten, filesSkipped, rowsWritten, rejected.size(), byRule,
                messages(runErrors), perSymbol, planned.sessionsStored(), planned.requestsSaved());
    }

    /** The mutable state of one run; its methods run on the request threads. */
    private final class Run {
        final PriceJob job;
        final RunContext context;
        final Map<Symbol, SymbolState> states;
        final CallStats runStats;
        final RunStop stop = new RunStop();
        final ConcurrentLinkedQueue<Rejected> quarantine = new ConcurrentLinkedQueue<>();
        /** Venues of the run's symbols with no calendar here (checked by the weekday rule in their time zone). */
        final Set<String> noCalendar = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final SinkTally tally = new SinkTally(sinks);
        final Plan planned;
        /** Per sink, the sessions to record as checked for each symbol written to it whole. */
        final Map<Sink, Map<Symbol, Map<LocalDate, StoredSessions.Checked>>> checked = new java.util.concurrent.ConcurrentHashMap<>();

        /** Set once every request is done: the shutdown hook no longer marks the run interrupted. */
        volatile boolean ended;
        private final long startNanos = ticker.nanos();
        private final RunReport.RunProcess process = RunReport.RunProcess.current();

        Run(PriceJob job, RunContext context, Map<Symbol, SymbolState> states, CallStats runStats, Plan planned) {
            this.job = job;
            this.context = context;
            this.states = states;
            this.runStats = runStats;
            this.planned = planned;
        }

        /**
         * Writes the run's record as it stands, with {@code status} ({@code running}, {@code interrupted}) and this
         * process, to every sink; best effort (the final record is what counts, and a failure here is not the run's).
         */
        synchronized void record(String status) {
            if (RunReport.RUNNING.equals(status) && ended) {
                return;
            }
            RunReport now;
            try {
                now = report(job, context, this, List.of(), List.copyOf(quarantine), Duration.ofNanos(ticker.nanos() - startNanos), planned)
                        .withSinkWrites(tally.bySink()).withStatus(status, process);
            } catch (RuntimeException e) {
                log.debug("Cannot build the {} record of run {}", status, context.runId(), e);
                return;
            }
            for (Sink sink : sinks) {
                try {
                    sink.writeRun(now);
                } catch (RuntimeException e) {
                    log.debug("Cannot write the {} record of run {} to {}", status, context.runId(), sink.name(), e);
                }
            }
        }


        Map<Symbol, Map<LocalDate, StoredSessions.Checked>> checkedFor(Sink sink) {
            return new TreeMap<>(checked.getOrDefault(sink, Map.of()));
        }

        /**
         * The sessions of {@code range} that came back without an accepted bar and are settled: a later bar came back,
         * or the session is {@link #SETTLE_DAYS} days old. Sessions every sink already holds or checked are left out.
         */
        private Map<LocalDate, StoredSessions.Checked> newlyChecked(Symbol symbol, DateRange range, BarValidator.Outcome outcome) {
            if (planned.known().isEmpty()) {
                return Map.of();
            }
            Set<LocalDate> accepted = new java.util.HashSet<>();
            LocalDate latest = null;
            for (Bar bar : outcome.accepted()) {
                accepted.add(bar.date());
                latest = latest == null || bar.date().isAfter(latest) ? bar.date() : latest;
            }
            Set<LocalDate> quarantined = new java.util.HashSet<>();
            outcome.rejected().forEach(r -> quarantined.add(r.bar().date()));
            LocalDate old = context.startedAt().atZone(java.time.ZoneOffset.UTC).toLocalDate().minusDays(SETTLE_DAYS);
            Set<LocalDate> settled = planned.settled().getOrDefault(symbol, Set.of());
            Map<LocalDate, StoredSessions.Checked> found = new TreeMap<>();
            Set<LocalDate> asked = new TreeSet<>(sessionsOf(symbol, range));
            asked.addAll(quarantined); // a row on a day that is no session is quarantined too
            for (LocalDate date : asked) {
                if (accepted.contains(date) || settled.contains(date)) {
                    continue;
                }
                if ((latest != null && latest.isAfter(date)) || !date.isAfter(old)) {
                    found.put(date, quarantined.contains(date) ? StoredSessions.Checked.QUARANTINED : StoredSessions.Checked.EMPTY);
                }
            }
            return found;
        }

        /** Whether a sink holds a bar of {@code symbol} in the job's range (then it is no unknown symbol). */
        private boolean storedSomewhere(Symbol symbol) {
            return planned.known().values().stream()
                    .anyMatch(known -> !known.getOrDefault(symbol, StoredSessions.Known.NONE).stored().dates().isEmpty());
        }

        private void recordChecked(Sink sink, Symbol symbol, Map<LocalDate, StoredSessions.Checked> found) {
            if (found.isEmpty()) {
                return;
            }
            StoredSessions.Known known = planned.known().getOrDefault(sink, Map.of()).getOrDefault(symbol, StoredSessions.Known.NONE);
            Map<LocalDate, StoredSessions.Checked> fresh = new TreeMap<>();
            // what this sink already recorded (sessions only some other sink lacked) is not recorded twice
            found.forEach((date, why) -> {
                if (!known.checked().containsKey(date) && !known.stored().dates().contains(date)) {
                    fresh.put(date, why);
                }
            });
            if (!fresh.isEmpty()) {
                checked.computeIfAbsent(sink, s -> new java.util.concurrent.ConcurrentHashMap<>()).put(symbol, fresh);
            }
        }

        void execute(BarRequest request) {
            CallStats stats = request.symbols().size() == 1 ? states.get(request.symbols().getFirst()).stats : runStats;
            List<Bar> bars;
            try {
                bars = CallStats.bind(stats, () -> source.fetchBars(request));
            } catch (IngestException e) {
                if (!stop.stopIfFatal(e) && stop.droppedByStop()) {
                    notAttempted(request);
                } else {
                    fail(request, e.getMessage(), e.kind());
                }
                return;
            } catch (RuntimeException e) {
                if (stop.droppedByStop()) {
                    notAttempted(request);
                    return;
                }
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
            for (Symbol symbol : request.symbols()) {
                SymbolState state = states.get(symbol);
                state.notAttempted(RunStop.NOT_ATTEMPTED);
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
                DateRange range = state.range;
                List<Bar> fetched = state.takeBars();
                state.rowsFetched = fetched.size();
                BarValidator.Outcome outcome = validator.validate(fetched, range, job.hours());
                Set<LocalDate> settled = planned.settled().getOrDefault(symbol, Set.of());
                // a coalesced request brings back sessions already settled: a row of one is not quarantined again
                List<Rejected> rejected = settled.isEmpty() ? outcome.rejected()
                        : outcome.rejected().stream().filter(r -> !settled.contains(r.bar().date())).toList();
                quarantine.addAll(rejected);
                state.rowsQuarantined = rejected.size();
                if (job.shareGateStops(outcome.ruleViolations(), fetched.size())) {
                    state.gate(String.format("data-quality gate: %d of %d rows broke row rules (limit %.1f%%); nothing written",
                            outcome.ruleViolations(), fetched.size(), job.maxQuarantineShare() * 100));
                    return;
                }
                Venue venue = fetched.isEmpty() ? Venue.ofSymbol(symbol) : fetched.getFirst().venue();
                if (!calendars.has(venue)) {
                    noCalendar.add(venue.code());
                }
                Map<LocalDate, StoredSessions.Checked> found = newlyChecked(symbol, range, outcome);
                if (fetched.isEmpty() && storedSomewhere(symbol)) {
                    // a symbol the sinks hold bars of is known: no bar for these sessions (a halt) is recorded, not failed
                    for (Sink sink : sinks) {
                        recordChecked(sink, symbol, found);
                    }
                    return;
                }
                if (outcome.accepted().isEmpty() && hasSessions(venue, range)) {
                    String none = source.name() + " returned no bars for " + symbol + " " + range + " although the range has "
                            + calendars.of(venue).code() + " sessions";
                    if (fetched.isEmpty()) {
                        // nothing came back (typically a symbol the provider does not know): that symbol failed, no
                        // data was refused, so it is no gate's business (exit 1, not 3)
                        state.fail(none + " (unknown symbol?)", ErrorKind.NOT_FOUND);
                    } else {
                        state.gate("data-quality gate: " + none + " that passed the row rules");
                    }
                    return;
                }
                BarBatch batch = new BarBatch(symbol, job.interval(), range, outcome.accepted(), job.writeOptions(), context);
                for (Sink sink : sinks) {
                    try {
                        state.written = state.written.plus(tally.add(sink, sink.writeBars(batch)));
                        if (!found.isEmpty()) {
                            recordChecked(sink, symbol, found);
                        }
                    } catch (RuntimeException | LinkageError e) {
                        state.written = state.written.plus(tally.add(sink, PartialWriteException.writtenBy(e))); // files stored before it failed
                        state.fail("Cannot write " + symbol + " to " + sink.name() + ": " + e.getMessage(), ErrorKind.SINK);
                    }
                }
            } finally {
                progress.advance(symbol.value());
            }
        }

        private boolean hasSessions(Venue venue, DateRange range) {
            try {
                return !calendars.of(venue).sessions(range.from(), range.to()).isEmpty();
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
        /** Nothing to fetch: every session is stored, or its per-symbol start lies after the job's range ({@code --since-last}). */
        volatile boolean upToDate;
        /** The span of the ranges fetched for the symbol (null when nothing is fetched). */
        volatile DateRange range;
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
            return gated ? SymbolOutcome.GATED : notAttempted && errors.stream().allMatch(RunStop.NOT_ATTEMPTED::equals) ? SymbolOutcome.NOT_ATTEMPTED
                    : SymbolOutcome.FAILED;
        }
    }
}
