package io.stockingest.core.pipeline;

import io.stockingest.core.http.CallStats;
import java.time.Duration;
import java.util.List;

/**
 * While a run's calls are outstanding for longer than {@link #THRESHOLD}, tells {@link Progress} so (which shows it
 * at most every 10 s): how many, the longest and what it waits for (retry n/N and why). Runs on its own virtual
 * thread on the JVM's clock (what a person waits), until closed; it wakes when the oldest call reaches the threshold,
 * and at least once a second. Thread-safe.
 */
final class WaitingLines implements AutoCloseable {
    static final Duration THRESHOLD = Duration.ofSeconds(10);
    private static final Duration CHECK_EVERY = Duration.ofSeconds(1);
    private final Thread watcher;

    WaitingLines(CallStats run, Progress progress) {
        this.watcher = Thread.ofVirtual().name("waiting-lines").start(() -> {
            try {
                while (true) {
                    List<CallStats.Pending> outstanding = run.outstanding();
                    line(outstanding, THRESHOLD).ifPresent(progress::waiting);
                    Duration next = CHECK_EVERY;
                    for (CallStats.Pending pending : outstanding) {
                        Duration untilSlow = THRESHOLD.minus(pending.age());
                        if (untilSlow.isPositive() && untilSlow.compareTo(next) < 0) {
                            next = untilSlow.plusMillis(1);
                        }
                    }
                    Thread.sleep(next);
                }
            } catch (InterruptedException closed) {
                // the run is over
            }
        });
    }

    /** The line for these outstanding calls (longest first), if any has waited past {@code threshold}. */
    static java.util.Optional<String> line(List<CallStats.Pending> outstanding, Duration threshold) {
        List<CallStats.Pending> slow = outstanding.stream().filter(p -> p.age().compareTo(threshold) >= 0).toList();
        if (slow.isEmpty()) {
            return java.util.Optional.empty();
        }
        CallStats.Pending longest = slow.getFirst();
        return java.util.Optional.of(String.format("waiting: %d %s outstanding for more than %d s; longest %d s: %s", slow.size(),
                slow.size() == 1 ? "request" : "requests", threshold.toSeconds(), longest.age().toSeconds(), longest.describe()));
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
