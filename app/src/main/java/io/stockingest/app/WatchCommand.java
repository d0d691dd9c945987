package io.stockingest.app;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.ConfigProblems;
import io.stockingest.core.config.Settings;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.pipeline.WatchLoop;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.RunContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code watch}: live quotes during NYSE hours only, one instance per lake. The lock is an OS file lock on
 * {@code .watch.lock} in the (first) lake directory: the OS releases it when the process dies, so a killed watcher
 * never blocks the next one. SIGTERM/SIGINT stop polling, flush what is buffered, write the metrics and exit 0.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, description = "Live quotes polled during NYSE market hours only; one instance at a time.")
final class WatchCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h)");
    private final Environment env;
    private final boolean installSignalHandler;

    @Option(names = "--source", description = "yahoo (default), fmp or polygon", defaultValue = "yahoo")
    String source;

    @Option(names = "--symbols", split = ",", description = "Symbols, comma-separated")
    List<String> symbols = new ArrayList<>();

    @Option(names = "--every", description = "Polling interval, e.g. 60s, 5m (default: ${DEFAULT-VALUE})", defaultValue = "60s")
    String every;

    @Option(names = "--flush-every", description = "How often buffered quotes are written (default: ${DEFAULT-VALUE})", defaultValue = "5m")
    String flushEvery;

    @Option(names = "--extended-hours", description = "Poll from 04:00 to 20:00 New York instead of 09:30 to the close")
    boolean extendedHours;

    @Option(names = "--until-close", description = "Exit after the close of the session it polls")
    boolean untilClose;

    @Option(names = "--sink", description = "parquet:DIR (default: parquet:./data)")
    List<String> sinks = new ArrayList<>();

    @Option(names = "--metrics-out", description = "Also write the run's metrics JSON to this file")
    String metricsOut;

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
        List<Symbol> parsed = Symbols.parseList(symbols, problems);
        if (symbols.isEmpty()) {
            problems.add("No symbols: give --symbols A,B,C");
        }
        Duration poll = problems.check(() -> duration("--every", every));
        Duration flush = problems.check(() -> duration("--flush-every", flushEvery));
        problems.throwIfAny();
        WatchLoop.Job job = problems.check(() -> new WatchLoop.Job(parsed, poll, flush,
                extendedHours ? BarRequest.Hours.EXTENDED : BarRequest.Hours.REGULAR, untilClose ? WatchLoop.Until.CLOSE : WatchLoop.Until.STOPPED));
        problems.throwIfAny();
        List<String> sinkUris = Assembly.sinkUris(sinks);
        Path lockDir = sinkUris.stream().filter(uri -> uri.startsWith("parquet:")).findFirst()
                .map(uri -> env.resolve(uri.substring("parquet:".length()))).orElse(env.workingDirectory());
        try (InstanceLock lock = InstanceLock.acquire(lockDir.resolve(".watch.lock"), env.ticker().now().toString());
                Assembly parts = Assembly.open(env, settings, source, sinkUris)) {
            if (!parts.source.datasets().contains(Dataset.QUOTES)) {
                throw new IngestException(ErrorKind.USAGE, "Source '" + parts.source.name() + "' does not provide live quotes yet (try --source yahoo)");
            }
            WatchLoop loop = new WatchLoop(parts.source, parts.sinks, NyseCalendar.instance(), env.ticker(), env.err());
            CountDownLatch done = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                loop.stop();
                try {
                    done.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "watch-shutdown");
            if (installSignalHandler) {
                Runtime.getRuntime().addShutdownHook(hook);
            }
            try {
                RunReport report = loop.run(job, RunContext.start("watch", parts.source.name(), env.ticker().now()));
                env.out().print(report.summary());
                if (metricsOut != null) {
                    Assembly.writeMetrics(env.resolve(metricsOut), report);
                }
                return report.exitCode();
            } finally {
                done.countDown();
            }
        }
    }

    /** An OS file lock holding "pid N since T"; released by the OS if the process dies. */
    static final class InstanceLock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private InstanceLock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        static InstanceLock acquire(Path file, String since) {
            try {
                Files.createDirectories(file.getParent());
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (java.nio.channels.OverlappingFileLockException sameJvm) {
                    lock = null;
                }
                if (lock == null) {
                    String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                    channel.close();
                    throw new IngestException(ErrorKind.USAGE, "watch is already running (" + (holder.isEmpty() ? "unknown holder" : holder)
                            + ") on " + file.getParent() + "; stop it first");
                }
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", since " + since).getBytes(StandardCharsets.UTF_8)), 0);
                return new InstanceLock(channel, lock);
            } catch (IOException e) {
                throw new IngestException(ErrorKind.CONFIG, "Cannot lock " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            lock.release();
            channel.close();
        }
    }
}
