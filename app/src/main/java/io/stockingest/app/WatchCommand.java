package io.stockingest.app;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.config.ConfigProblems;
import io.stockingest.core.config.Settings;
import io.stockingest.core.inject.Plugins;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.pipeline.WatchLoop;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code watch}: live quotes during NYSE hours only, one instance per lake and per database. Before its first
 * request it takes the instance lock of every selected sink ({@link Sink#lockInstance}: an OS file lock on
 * {@code .watch.lock} in a local lake, a lease object {@code .watch.lock} in an S3 lake, a session advisory lock in
 * PostgreSQL); a second watch on the same target exits 2 with "already running (pid N, since T...)". The OS or the
 * database server releases a lock when its process dies, so a killed watcher never blocks the next one; an S3 lease
 * of a killed watcher blocks a start on another host until it expires (2 minutes). SIGTERM/SIGINT stop polling, flush what is buffered, write
 * the metrics and exit 0.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, description = "Live quotes polled during NYSE market hours only; one instance at a time.")
final class WatchCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h)");
    private final Environment env;
    private final boolean installSignalHandler;
    private volatile boolean stopRequested;

    @Option(names = "--source", description = "yahoo (default), fmp or polygon", defaultValue = "yahoo")
    String source;

    @Option(names = "--symbols", split = ",", description = "Symbols, comma-separated")
    List<String> symbols = new ArrayList<>();

    @Option(names = "--tickers-path", description = "A file (or s3://BUCKET/KEY) of symbols: CSV with a 'symbol' column, or one a line")
    String tickersPath;

    @Option(names = "--every", description = "Polling interval, e.g. 60s, 5m (default: ${DEFAULT-VALUE})", defaultValue = "60s")
    String every;

    @Option(names = "--flush-every", description = "How often buffered quotes are written (default: ${DEFAULT-VALUE})", defaultValue = "5m")
    String flushEvery;

    @Option(names = "--extended-hours", description = "Poll from 04:00 to 20:00 New York instead of 09:30 to the close")
    boolean extendedHours;

    @Option(names = "--until-close", description = "Exit after the close of the session it polls")
    boolean untilClose;

    @Option(names = "--sink", description = "parquet:DIR (default: parquet:./data), s3://BUCKET/PREFIX, postgres, snowflake; repeatable")
    List<String> sinks = new ArrayList<>();

    @Option(names = "--metrics-out", description = "Also write the run's metrics JSON to this file")
    String metricsOut;

    @Option(names = "--pg-schema", description = "PostgreSQL sink schema (default: stock_ingest)")
    String pgSchema;

    WatchCommand(Environment env, boolean installSignalHandler) {
        this.env = env;
        this.installSignalHandler = installSignalHandler;
    }

    static Duration duration(String flag, String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(flag + " '" + text + "' must be a duration like 30s, 5m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = Assembly.settings(env);
        ConfigProblems problems = new ConfigProblems();
        Plugins plugins = Assembly.plugins(env);
        List<Symbol> parsed = Symbols.requested(env, plugins, settings, symbols, tickersPath, problems).stream().distinct().toList();
        Duration poll = problems.check(() -> duration("--every", every));
        Duration flush = problems.check(() -> duration("--flush-every", flushEvery));
        problems.throwIfAny();
        WatchLoop.Job job = problems.check(() -> new WatchLoop.Job(parsed, poll, flush,
                extendedHours ? BarRequest.Hours.EXTENDED : BarRequest.Hours.REGULAR, untilClose ? WatchLoop.Until.CLOSE : WatchLoop.Until.STOPPED));
        problems.throwIfAny();
        List<String> sinkUris = Assembly.sinkUris(sinks);
        Settings effective = pgSchema == null ? settings : settings.with("PG_SCHEMA", pgSchema);
        Instant since = env.ticker().now().truncatedTo(ChronoUnit.SECONDS);
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger(1);
        AtomicReference<WatchLoop> running = new AtomicReference<>();
        if (installSignalHandler) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopOnSignal(running, done, exitCode), "watch-shutdown"));
        }
        try (Assembly parts = Assembly.open(env, plugins, effective, source, Dataset.QUOTES, sinkUris)) {
            try (InstanceLocks locks = InstanceLocks.take(parts.sinks, since, env.err())) {
                int code = watch(parts, job, locks, running);
                exitCode.set(code);
                return code;
            }
        } catch (IngestException e) {
            exitCode.set(Main.exitCode(e.kind()));
            throw e;
        } finally {
            done.countDown(); // after the sinks closed and the locks were released
        }
    }

    private int watch(Assembly parts, WatchLoop.Job job, InstanceLocks locks, AtomicReference<WatchLoop> running) {
        WatchLoop loop = new WatchLoop(parts.source, parts.sinks, Calendars.standard(), env.ticker(), env.err());
        running.set(loop);
        if (stopRequested) {
            loop.stop(); // the signal came while the sinks were opening
        }
        try {
            RunReport report = loop.run(job, RunContext.start("watch", parts.source.name(), env.ticker().now()), locks::lost);
            env.printSummary(report);
            writeMetrics(report);
            return report.exitCode();
        } catch (IngestException stopped) {
            loop.lastReport().ifPresent(this::writeMetrics); // a stopped watch still leaves its metrics where asked
            throw stopped;
        }
    }

    /**
     * The shutdown hook of SIGTERM/SIGINT: stops polling, waits (up to 30 s) until the loop has flushed, written its
     * metrics, closed the sinks and released its locks, then ends the JVM with the run's own exit code (0 for a
     * watch that stopped as asked). Without the final {@code halt} the JVM would exit 143 (130 on SIGINT) after its
     * hooks, which Kubernetes and systemd report as a failure. {@code halt} is safe here: this is the process's only
     * shutdown hook, and both output streams are flushed first.
     */
    private void stopOnSignal(AtomicReference<WatchLoop> running, CountDownLatch done, AtomicInteger exitCode) {
        stopRequested = true;
        WatchLoop loop = running.get();
        if (loop != null) {
            loop.stop();
        }
        boolean finished = false;
        try {
            finished = done.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!finished) {
            env.err().println("watch: did not finish flushing within 30 s of the stop signal; exiting without it");
        }
        env.out().flush();
        env.err().flush();
        Runtime.getRuntime().halt(finished ? exitCode.get() : 1);
    }

    /**
     * The instance locks of every selected sink ({@link Sink#lockInstance}), taken before the first provider call and
     * released in reverse order. A sink that cannot lock its target (Snowflake) is named on stderr.
     */
    static final class InstanceLocks implements AutoCloseable {
        private final List<Sink.InstanceLock> held;

        private InstanceLocks(List<Sink.InstanceLock> held) {
            this.held = held;
        }

        static InstanceLocks take(List<Sink> sinks, Instant since, PrintStream log) {
            List<Sink.InstanceLock> held = new ArrayList<>();
            try {
                for (Sink sink : sinks) {
                    sink.lockInstance("watch", since).ifPresentOrElse(held::add, () -> log.println("watch: " + sink.name()
                            + " has no instance lock; make sure only one watch writes there"));
                }
            } catch (RuntimeException e) {
                new InstanceLocks(held).close();
                throw e;
            }
            return new InstanceLocks(held);
        }

        /** Why one of the claims was lost, if one was (an S3 lease taken over). */
        Optional<String> lost() {
            return held.stream().map(Sink.InstanceLock::lost).flatMap(Optional::stream).findFirst();
        }

        @Override
        public void close() {
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).close();
            }
        }
    }

    private void writeMetrics(RunReport report) {
        if (metricsOut != null) {
            Assembly.writeMetrics(env.resolve(metricsOut), report);
        }
    }
}
