package io.stockingest.core.http;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of provider calls: requests sent, retries, throttled responses. The runner keeps one for the run and
 * one per symbol; the transports add to the run's and to the one {@link #bind bound} to the current thread.
 *
 * <p>Thread-safe.
 */
public final class CallStats {
    private static final ThreadLocal<CallStats> CURRENT = new ThreadLocal<>();
    private final CallStats parent;
    private final LongAdder requests = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder throttled = new LongAdder();

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
