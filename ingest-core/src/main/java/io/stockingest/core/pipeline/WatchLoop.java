package io.stockingest.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.http.CallStats;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.metrics.RunOutcome;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Quote;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.WriteResult;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * {@code watch}: polls quotes while the NYSE is open (regular hours, or 04:00-20:00 New York with extended hours),
 * sleeps until the next open when it is closed (saying when; with {@link Until#CLOSE} it stops after the first close
 * it sees, so a cron entry before the open runs it for one session), and writes the quotes to the sinks in batches
 * ({@code flushEvery}, at every close and when stopped). A failing or throttling provider is backed off
 * exponentially (up to 5 minutes) and counted; the loop never spins. Rejected credentials and a plan without quotes
 * for the polled symbols are not retried: the loop flushes, writes the metrics and throws (exit 2). {@link #stop()} (from a signal handler) ends
 * the loop at its next wake-up: it flushes what it holds and writes the run's metrics.
 *
 * <p>All waiting goes through the {@link Ticker}, so a test drives a whole simulated day in milliseconds.
 */
public final class WatchLoop {
    private static final LocalTime EXTENDED_OPEN = LocalTime.of(4, 0);
    private static final LocalTime EXTENDED_CLOSE = LocalTime.of(20, 0);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final Source source;
    private final List<Sink> sinks;
    private final NyseCalendar calendar;
    private final Ticker ticker;
    private final PrintStream log;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile Thread runner;
    private volatile RunReport lastReport;

    /** What to watch. */
    public record Job(List<Symbol> symbols, Duration every, Duration flushEvery, BarRequest.Hours hours, Until until) {
        public Job {
            symbols = List.copyOf(requireNonNull(symbols, "symbols is null"));
            requireNonNull(every, "every is null");
            requireNonNull(flushEvery, "flushEvery is null");
            requireNonNull(hours, "hours is null");
            requireNonNull(until, "until is null");
            if (every.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("--every must be at least 1s");
            }
        }
    }

    /** When the loop ends by itself. */
    public enum Until {
        /** Only when stopped. */
        STOPPED,
        /** After the first close it sees (or at once if the market is closed). */
        CLOSE
    }

    public WatchLoop(Source source, List<Sink> sinks, NyseCalendar calendar, Ticker ticker, PrintStream log) {
        this.source = requireNonNull(source, "source is null");
        this.sinks = List.copyOf(requireNonNull(sinks, "sinks is null"));
        this.calendar = requireNonNull(calendar, "calendar is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
        this.log = requireNonNull(log, "log is null");
    }

    /** Asks the loop to end; safe from any thread (a shutdown hook). */
    public void stop() {
        stopped.set(true);
        Thread thread = runner;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /**
     * The metrics of the last {@link #run}, also when it stopped by throwing (a rejected key, a plan without quotes):
     * the caller can still write them where it was asked to.
     */
    public Optional<RunReport> lastReport() {
        return Optional.ofNullable(lastReport);
    }

    public RunReport run(Job job, RunContext context) {
        return run(job, context, Optional::empty);
    }

    /**
     * {@link #run(Job, RunContext)} while the job holds instance claims ({@link Sink#lockInstance}): {@code lostClaim}
     * is asked at every wake-up and, once it says why a claim was lost (an expiring lease another process took over),
     * the loop stops as for a rejected key: it flushes, writes the metrics and throws {@code USAGE} (exit 2), so that
     * only one instance keeps writing.
     */
    public RunReport run(Job job, RunContext context, Supplier<Optional<String>> lostClaim) {
        requireNonNull(lostClaim, "lostClaim is null");
        runner = Thread.currentThread();
        CallStats stats = new CallStats();
        List<Quote> buffer = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        long polls = 0;
        long failures = 0;
        WriteResult written = WriteResult.NOTHING;
        Instant lastFlush = ticker.now();
        Duration backoff = Duration.ZERO;
        boolean sawOpen = false;
        IngestException fatal = null;
        Set<Symbol> quotedOnce = new HashSet<>();
        Set<Symbol> reportedMissing = new HashSet<>();
        try {
            while (!stopped.get()) {
                Optional<String> lost = lostClaim.get();
                if (lost.isPresent()) {
                    log.println("watch: " + lost.get() + "; stopping");
                    errors.add(ticker.now() + ": " + lost.get());
                    fatal = new IngestException(ErrorKind.USAGE, lost.get());
                    break;
                }
                Instant now = ticker.now();
                Optional<Instant[]> window = window(now, job.hours());
                if (window.isEmpty() || now.isBefore(window.get()[0])) {
                    written = written.plus(flush(buffer, context, errors));
                    lastFlush = now;
                    if (job.until() == Until.CLOSE && sawOpen) {
                        log.println("watch: the market closed; --until-close: stopping");
                        break;
                    }
                    Instant next = nextOpen(now, job.hours());
                    log.println("watch: the market is closed; sleeping until " + next.atZone(NyseCalendar.NEW_YORK).toOffsetDateTime()
                            + " (" + next + ")");
                    sleepUntil(next);
                    lastFlush = ticker.now();
                    continue;
                }
                sawOpen = true;
                try {
                    List<Quote> quotes = CallStats.bind(stats, () -> source.fetchQuotes(job.symbols()));
                    polls++;
                    buffer.addAll(quotes);
                    backoff = Duration.ZERO;
                    reportMissing(job.symbols(), quotes, quotedOnce, reportedMissing);
                } catch (IngestException e) {
                    failures++;
                    if (errors.size() < 20) {
                        errors.add(now + ": " + e.getMessage());
                    }
                    if (isPermanent(e)) {
                        log.println("watch: " + e.getMessage() + "; stopping (retrying cannot help)");
                        fatal = e;
                        break;
                    }
                    backoff = backoff.isZero() ? job.every() : backoff.multipliedBy(2);
                    if (backoff.compareTo(MAX_BACKOFF) > 0) {
                        backoff = MAX_BACKOFF;
                    }
                    log.println("watch: " + e.getMessage() + "; backing off " + backoff.toSeconds() + " s");
                }
                if (!Duration.between(lastFlush, ticker.now()).minus(job.flushEvery()).isNegative()) {
                    written = written.plus(flush(buffer, context, errors));
                    lastFlush = ticker.now();
                }
                Instant nextPoll = now.plus(backoff.isZero() ? job.every() : backoff);
                Instant close = window.get()[1];
                if (!nextPoll.isBefore(close)) {
                    written = written.plus(flush(buffer, context, errors));
                    lastFlush = close;
                    nextPoll = close;
                }
                sleepUntil(nextPoll);
            }
        } finally {
            runner = null;
        }
        written = written.plus(flush(buffer, context, errors));
        for (Symbol symbol : job.symbols().stream().distinct().toList()) {
            if (polls > 0 && !quotedOnce.contains(symbol) && errors.size() < 20) {
                errors.add(symbol + ": no quote in any of " + polls + " polls (" + source.name() + " does not know it, or the plan leaves it out)");
            }
        }
        Instant end = ticker.now();
        RunOutcome ended = RunOutcome.of(fatal != null, false, !errors.isEmpty() && polls == 0);
        RunReport report = new RunReport(context.runId(), "watch", source.name(), null, context.startedAt().toString(), end.toString(),
                sinks.stream().map(Sink::name).toList(), context.startedAt(), end,
                Duration.between(context.startedAt(), end).toMillis(), ended.exitCode(), ended.status(), job.symbols().size(), job.symbols().size(), 0, stats.requests(),
                stats.retries(), stats.throttled(), written.filesWritten(), written.filesSkipped(), written.rowsWritten(), 0,
                Map.of(), errors, new TreeMap<>(Map.of("_watch", new RunReport.SymbolReport("ok", polls, 0, failures, written.rowsWritten(),
                        written.rowsWritten(), 0, written.filesWritten(), 0, List.of()))));
        for (Sink sink : sinks) {
            try {
                sink.writeRun(report);
                sink.flush();
            } catch (RuntimeException e) {
                log.println("watch: cannot write the run metrics to " + sink.name() + ": " + e.getMessage());
            }
        }
        lastReport = report;
        if (fatal != null) {
            ErrorKind kind = fatal.kind() == ErrorKind.NOT_ENTITLED ? ErrorKind.CONFIG : fatal.kind();
            throw new IngestException(kind, fatal.getMessage() + (fatal.kind() == ErrorKind.NOT_ENTITLED
                    ? "; the plan does not include live quotes for any of the watched symbols, so watch stopped (choose another --source or plan)"
                    : "; watch stopped"), fatal);
        }
        return report;
    }

    /**
     * Says once per run, for each watched symbol that no poll has quoted yet, that this poll did not either:
     * providers leave out symbols they do not know or that the plan does not cover, and without this a typo would go
     * unnoticed for a whole day.
     * The symbol stays in the polls; one that never got a quote is also named in the run's errors.
     */
    private void reportMissing(List<Symbol> symbols, List<Quote> quotes, Set<Symbol> quotedOnce, Set<Symbol> reportedMissing) {
        Set<Symbol> quoted = new HashSet<>();
        for (Quote quote : quotes) {
            quoted.add(quote.symbol());
        }
        quotedOnce.addAll(quoted);
        for (Symbol symbol : symbols) {
            if (!quotedOnce.contains(symbol) && reportedMissing.add(symbol)) {
                log.println("watch: " + source.name() + " has sent no quote for " + symbol + " yet (a symbol it does not know, one the plan leaves out, "
                        + "or one not trading); still polling it");
            }
        }
    }

    /**
     * Errors that every later poll would repeat: rejected credentials or settings (run scope), and a plan that does
     * not include quotes for any of the polled symbols ({@code NOT_ENTITLED} from {@link Source#fetchQuotes}, which
     * throws it only when the whole request was refused). These stop the loop and exit 2 instead of backing off.
     */
    private static boolean isPermanent(IngestException e) {
        return e.kind().scope() == ErrorKind.Scope.RUN || e.kind() == ErrorKind.NOT_ENTITLED;
    }

    private WriteResult flush(List<Quote> buffer, RunContext context, List<String> errors) {
        if (buffer.isEmpty()) {
            return WriteResult.NOTHING;
        }
        List<Quote> batch = List.copyOf(buffer);
        buffer.clear();
        WriteResult total = WriteResult.NOTHING;
        for (Sink sink : sinks) {
            try {
                total = total.plus(sink.writeQuotes(batch, context));
                sink.flush();
            } catch (RuntimeException e) {
                errors.add("Cannot write " + batch.size() + " quotes to " + sink.name() + ": " + e.getMessage());
            }
        }
        return total;
    }

    private void sleepUntil(Instant until) {
        Duration wait = Duration.between(ticker.now(), until);
        if (wait.isNegative() || wait.isZero()) {
            return;
        }
        try {
            ticker.sleep(wait);
        } catch (InterruptedException e) {
            // stop() interrupts the sleep; the loop checks the flag
            Thread.interrupted();
        }
    }

    /** Today's polling window [start, end) if today is a session and now is before its end. */
    Optional<Instant[]> window(Instant now, BarRequest.Hours hours) {
        LocalDate today = now.atZone(NyseCalendar.NEW_YORK).toLocalDate();
        return calendar.session(today).map(session -> hours == BarRequest.Hours.REGULAR
                ? new Instant[] {session.openInstant(), session.closeInstant()}
                : new Instant[] {ZonedDateTime.of(today, EXTENDED_OPEN, NyseCalendar.NEW_YORK).toInstant(),
                    ZonedDateTime.of(today, EXTENDED_CLOSE, NyseCalendar.NEW_YORK).toInstant()})
                .filter(w -> now.isBefore(w[1]));
    }

    private Instant nextOpen(Instant now, BarRequest.Hours hours) {
        LocalDate day = now.atZone(NyseCalendar.NEW_YORK).toLocalDate();
        for (int i = 0; i < 15; i++) {
            Optional<Instant[]> window = window(i == 0 ? now : ZonedDateTime.of(day, LocalTime.MIDNIGHT, NyseCalendar.NEW_YORK).toInstant(), hours);
            if (window.isPresent() && window.get()[0].isAfter(now)) {
                return window.get()[0];
            }
            day = calendar.nextSession(day);
            Optional<Instant[]> next = window(ZonedDateTime.of(day, LocalTime.MIDNIGHT, NyseCalendar.NEW_YORK).toInstant(), hours);
            if (next.isPresent()) {
                return next.get()[0];
            }
        }
        return now.plus(Duration.ofDays(1));
    }
}
