package io.stockingest.core;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

/**
 * Where a command's time goes before its first request and after its last answer: with the JVM system property
 * {@code stockingest.trace=startup} (e.g. {@code STOCK_INGEST_OPTS=-Dstockingest.trace=startup ./stock-ingest prices
 * ...}) each {@link #mark} prints one line on stderr, {@code startup-trace: <ms> ms <phase>}, the milliseconds counted
 * from the start of the launcher script ({@link #started}). Off (the default) a mark costs one read of a static final field.
 * docs/performance.md ("Where the time to the first request goes") has the breakdown it printed.
 */
public final class StartupTrace {
    private static final boolean ON = "startup".equals(System.getProperty("stockingest.trace"));
    private static final long START_EPOCH_MS = ON ? started() : 0;
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();
    private static final PrintStream ERR = System.err;

    private StartupTrace() {}

    /**
     * When the command started: {@code STOCK_INGEST_LAUNCHED}, which {@code ./stock-ingest} sets to bash's
     * {@code $EPOCHREALTIME} first thing, else the process's start as the operating system tells it (coarse, and off
     * by up to a second against the wall clock on some machines).
     */
    private static long started() {
        String launched = System.getenv("STOCK_INGEST_LAUNCHED");
        if (launched != null) {
            try {
                return Math.round(Double.parseDouble(launched.replace(',', '.')) * 1000);
            } catch (NumberFormatException e) {
                // the process's start below
            }
        }
        return ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(System.currentTimeMillis());
    }

    /** Whether marks are printed. */
    public static boolean on() {
        return ON;
    }

    /** Prints {@code phase} with the time since the process started, when tracing is on. */
    public static void mark(String phase) {
        if (ON) {
            ERR.println(String.format(Locale.ROOT, "startup-trace: %6d ms %s", System.currentTimeMillis() - START_EPOCH_MS, phase));
        }
    }

    /** As {@link #mark}, the first time only for this {@code phase} (e.g. the first request of the run). */
    public static void once(String phase) {
        if (ON && ONCE.add(phase)) {
            mark(phase);
        }
    }
}
