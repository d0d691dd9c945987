package io.stockingest.core.http;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of provider calls: requests sent, retries, throttled responses. The runner keeps one for the run and
 * one per symbol; the transports add to the run's and to the one {@link #bind bound} to the current thread.
 * The run's also knows the calls {@link #outstanding() outstanding} (from the first attempt to the last answer), for
 * the waiting lines of a run.
 *
 * <p>Thread-safe.
 */
public final class CallStats {
    private static final ThreadLocal<CallStats> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<Pending> PENDING = new ThreadLocal<>();
    private final CallStats parent;
    private final LongAdder requests = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final Set<Pending> outstanding = ConcurrentHashMap.newKeySet();

    /**
     * One call in progress: since when (the JVM's monotonic clock: what a person waits), which attempt, why the last
     * one failed and what it waits for now.
     */
    public static final class Pending {
        private final HttpCall call;
        private final long sinceNanos = System.nanoTime();
        private final int maxAttempts;
        private volatile int attempt = 1;
        private volatile String lastFailure = "";
        private volatile String stage = "";
        private volatile int throttled;

        Pending(HttpCall call, int maxAttempts) {
            this.call = call;
            this.maxAttempts = maxAttempts;
        }

        public Duration age() {
            return Duration.ofNanos(System.nanoTime() - sinceNanos);
        }

        /** {@code GET https://host/path (retry 2/5 after HTTP 429; waiting for the rate limiter)}, secrets masked. */
        public String describe() {
            StringBuilder out = new StringBuilder(call.toString()).append(" (");
            out.append(attempt > 1 ? "retry " + (attempt - 1) + "/" + (maxAttempts - 1) + " after " + lastFailure : "attempt 1/" + maxAttempts);
            if (throttled > 0) {
                out.append("; HTTP 429 ").append(throttled).append(throttled == 1 ? " time" : " times");
            }
            return out.append(stage.isEmpty() ? "" : "; " + stage).append(')').toString();
        }
    }

    public CallStats() {
        this(null);
    }

    private CallStats(CallStats parent) {
        this.parent = parent;
    }

    /** A child whose counts also add to this one. */
    public CallStats child() {
        return new CallStats(this);
    }

    /** Runs {@code body} with {@code stats} receiving the counts of calls made on this thread. */
    public static <T> T bind(CallStats stats, java.util.function.Supplier<T> body) {
        CallStats previous = CURRENT.get();
        CURRENT.set(stats);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** Marks the start of a call on this thread (counted as outstanding in the bound run) until {@link #end}. */
    static Pending begin(HttpCall call, int maxAttempts) {
        Pending pending = new Pending(call, maxAttempts);
        root(CURRENT.get()).ifPresent(run -> run.outstanding.add(pending));
        PENDING.set(pending);
        return pending;
    }

    /** The call is about to try again: attempt {@code attempt} (1-based), after {@code failure}. */
    static void retrying(Pending pending, int attempt, String failure) {
        pending.attempt = attempt;
        pending.lastFailure = failure;
    }

    /** The call was answered 429 and goes back through the rate limiter. */
    static void throttled(Pending pending) {
        pending.throttled++;
    }

    /** What the current call of this thread waits for now, for the waiting lines. */
    static void stage(String stage) {
        Pending pending = PENDING.get();
        if (pending != null) {
            pending.stage = stage;
        }
    }

    static void end(Pending pending) {
        root(CURRENT.get()).ifPresent(run -> run.outstanding.remove(pending));
        PENDING.remove();
    }

    private static Optional<CallStats> root(CallStats stats) {
        CallStats s = stats;
        while (s != null && s.parent != null) {
            s = s.parent;
        }
        return Optional.ofNullable(s);
    }

    /** The calls in progress now (on this run's root), longest first. */
    public List<Pending> outstanding() {
        return outstanding.stream().sorted(Comparator.comparingLong((Pending p) -> p.sinceNanos)).toList();
    }

    static void recordRequest() {
        forEach(CURRENT.get(), s -> s.requests.increment());
    }

    static void recordRetry() {
        forEach(CURRENT.get(), s -> s.retries.increment());
    }

    static void recordThrottled() {
        forEach(CURRENT.get(), s -> s.throttled.increment());
    }

    private static void forEach(CallStats stats, java.util.function.Consumer<CallStats> action) {
        for (CallStats s = stats; s != null; s = s.parent) {
            action.accept(s);
        }
    }

    public long requests() {
        return requests.sum();
    }

    public long retries() {
        return retries.sum();
    }

    public long throttled() {
        return throttled.sum();
    }
}
