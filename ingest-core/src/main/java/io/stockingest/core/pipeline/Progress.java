package io.stockingest.core.pipeline;

import io.stockingest.core.http.Ticker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Progress of a run, by symbols done, with the pace so far and the time left at that pace. On a terminal: one line
 * redrawn in place. Elsewhere (CI, cron logs): a plain
 * line at every 10% and at most every 5 seconds, so that logs stay readable. While requests are outstanding for more
 * than 10 s, a {@link #waiting} line says so (how many, the longest, retry n/N and why), at most every 10 s: on a
 * terminal above the redrawn line, elsewhere as a plain line.
 *
 * <p>Thread-safe: lines are printed under {@link #lock}, a lock and not a monitor, since virtual threads print them
 * and one blocked on a monitor pins its carrier on Java 21.
 */
public abstract sealed class Progress permits Progress.Silent, Progress.Terminal, Progress.Lines {
    protected final AtomicInteger done = new AtomicInteger();
    protected final ReentrantLock lock = new ReentrantLock();
    protected volatile int total;
    private Ticker ticker = Ticker.SYSTEM;
    private volatile long startNanos;

    public void start(int totalUnits) {
        this.total = totalUnits;
        this.startNanos = ticker.nanos();
    }

    /**
     * The pace so far and what it means for the rest: {@code 2.5/s, ETA 0:40} (symbols a second; minutes:seconds,
     * or hours:minutes:seconds); empty before the first unit is done or while no time has passed.
     */
    protected String rate(int now) {
        double seconds = (ticker.nanos() - startNanos) / 1e9;
        if (now <= 0 || seconds <= 0) {
            return "";
        }
        double perSecond = now / seconds;
        long eta = Math.round(Math.max(0, total - now) / perSecond);
        String left = eta >= 3600 ? String.format("%d:%02d:%02d", eta / 3600, eta / 60 % 60, eta % 60) : String.format("%d:%02d", eta / 60, eta % 60);
        return String.format(perSecond >= 10 ? "%.0f/s, ETA %s" : "%.1f/s, ETA %s", perSecond, left);
    }

    public void advance(String label) {
        int now = done.incrementAndGet();
        show(now, label);
    }

    protected abstract void show(int now, String label);

    private static final long WAITING_EVERY_NANOS = Duration.ofSeconds(10).toNanos();
    private long lastWaitingNanos;
    private boolean waited;

    /** Requests are outstanding for long: shows {@code line} unless a waiting line was shown in the last 10 s. */
    public void waiting(String line) {
        lock.lock();
        try {
            long nanos = System.nanoTime();
            if (waited && nanos - lastWaitingNanos < WAITING_EVERY_NANOS) {
                return;
            }
            waited = true;
            lastWaitingNanos = nanos;
            showWaiting(line);
        } finally {
            lock.unlock();
        }
    }

    protected abstract void showWaiting(String line);

    public void finish() {}

    /** Picks terminal or plain-line progress for {@code out}, depending on whether a console is attached. */
    public static Progress forStream(PrintStream out, boolean interactive) {
        return forStream(out, interactive, Ticker.SYSTEM);
    }

    /** As {@link #forStream(PrintStream, boolean)}, its rate and ETA measured on {@code ticker}. */
    public static Progress forStream(PrintStream out, boolean interactive, Ticker ticker) {
        Progress progress = interactive ? new Terminal(out) : new Lines(out);
        progress.ticker = java.util.Objects.requireNonNull(ticker, "ticker is null");
        return progress;
    }

    public static Progress silent() {
        return new Silent();
    }

    static final class Silent extends Progress {
        @Override
        protected void show(int now, String label) {}

        @Override
        protected void showWaiting(String line) {}
    }

    static final class Terminal extends Progress {
        private final PrintStream out;

        Terminal(PrintStream out) {
            this.out = out;
        }

        @Override
        protected void show(int now, String label) {
            lock.lock();
            try {
                int width = 30;
                int filled = total == 0 ? width : (int) ((long) now * width / total);
                out.printf("\r[%s%s] %d/%d %-20s %-12s", "#".repeat(filled), ".".repeat(width - filled), now, total, rate(now), label);
                out.flush();
            } finally {
                lock.unlock();
            }
        }

        @Override
        protected void showWaiting(String line) {
            lock.lock();
            try {
                out.printf("\r\033[2K%s%n", line);
                show(done.get(), "");
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void finish() {
            lock.lock();
            try {
                out.println();
            } finally {
                lock.unlock();
            }
        }
    }

    static final class Lines extends Progress {
        private final PrintStream out;
        private long lastNanos = System.nanoTime();
        private int lastDecile = 0;

        Lines(PrintStream out) {
            this.out = out;
        }

        @Override
        protected void show(int now, String label) {
            lock.lock();
            try {
                int decile = total == 0 ? 10 : (int) ((long) now * 10 / total);
                long nanos = System.nanoTime();
                if (decile > lastDecile || nanos - lastNanos > Duration.ofSeconds(5).toNanos() || now == total) {
                    lastDecile = decile;
                    lastNanos = nanos;
                    String pace = rate(now);
                    out.printf("progress: %d/%d symbols (%d%%)%s, last %s%n", now, total, total == 0 ? 100 : now * 100L / total,
                            pace.isEmpty() ? "" : ", " + pace, label);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        protected void showWaiting(String line) {
            lock.lock();
            try {
                out.println(line);
            } finally {
                lock.unlock();
            }
        }
    }
}
